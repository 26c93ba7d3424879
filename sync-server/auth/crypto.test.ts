import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { auditHash } from './audit.ts';
import { hashToken, signAccessToken, verifyAccessToken } from './tokens.ts';
import { checkTotp, decryptTotpSecret, encryptTotpSecret, newTotpSecret } from './totp.ts';

const key = Buffer.alloc(32, 7);

describe('TOTP secrets at rest', () => {
  it('round-trips, and is bound to its user', () => {
    const secret = newTotpSecret();
    const enc = encryptTotpSecret(key, secret, 'user-a');
    expect(enc).not.toContain(secret);
    expect(decryptTotpSecret(key, enc, 'user-a')).toBe(secret);
    expect(() => decryptTotpSecret(key, enc, 'user-b')).toThrow();
    expect(() => decryptTotpSecret(Buffer.alloc(32, 8), enc, 'user-a')).toThrow();
  });

  it('accepts a code within one step, once', async () => {
    const secret = newTotpSecret();
    const at = new Date('2030-01-01T00:00:10Z');
    const code = await generate({ secret, epoch: at.getTime() / 1000 });
    const step = await checkTotp(secret, code, at, null);
    expect(step).toBe(Math.floor(at.getTime() / 30_000));
    expect(await checkTotp(secret, code, new Date(at.getTime() + 30_000), null)).toBe(step);
    expect(await checkTotp(secret, code, new Date(at.getTime() + 90_000), null)).toBeNull();
    expect(await checkTotp(secret, code, at, step)).toBeNull();
    expect(await checkTotp(secret, 'abc', at, null)).toBeNull();
  });
});

describe('access tokens', () => {
  it('verify only with the key, before expiry', async () => {
    const k = new Uint8Array(32).fill(1);
    const now = new Date('2030-01-01T00:00:00Z');
    const t = await signAccessToken(k, { sub: 'u', sid: 's', role: 'nurse' }, now, 60);
    expect(await verifyAccessToken(k, t, now)).toEqual({ sub: 'u', sid: 's', role: 'nurse' });
    expect(await verifyAccessToken(k, t, new Date(now.getTime() + 61_000))).toBeNull();
    expect(await verifyAccessToken(new Uint8Array(32).fill(2), t, now)).toBeNull();
    expect(hashToken('abc')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('audit hashing', () => {
  it('chains on the previous hash', () => {
    const row = {
      id: 'i',
      seq: 1,
      created_at: '2030-01-01T00:00:00.000Z',
      user_id: null,
      workstation_id: null,
      action: 'create' as const,
      object_type: 'users',
      object_id: 'x',
      description: null,
      details: { a: 1 },
      device_time: null,
      ip_address: null,
    };
    expect(auditHash(null, row)).not.toBe(auditHash('abc', row));
    // Postgres' own timestamp text hashes like the ISO form.
    expect(auditHash(null, { ...row, created_at: '2030-01-01 00:00:00+00' })).toBe(auditHash(null, row));
  });
});
