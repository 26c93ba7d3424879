import { generate, generateSecret } from 'otplib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Session } from './session.ts';
import { json, newId, openTestDb, type TestDb } from './test-support.ts';

const userId = newId();

describe('session', () => {
  let t: TestDb;
  let up = true;
  let grants = 0;
  let totpSecret: string | null = null;
  const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
    if (!up) throw new TypeError('fetch failed');
    const u = String(url);
    if (u.endsWith('/api/auth/login')) {
      const b = JSON.parse(String(init?.body)) as { username: string; password: string };
      if (b.username.toLowerCase() === 'awa' && b.password === 'correct horse')
        return json(200, {
          access: 'acc',
          refresh: 'ref',
          user: { id: userId, username: 'awa', first_name: 'Awa', last_name: 'Jallow', role: 'nurse' },
        });
      return json(401, { error: 'invalid_credentials' });
    }
    if (u.endsWith('/api/sync/grants')) {
      grants++;
      const h = new Headers(init?.headers);
      expect(h.get('authorization')).toBe('Bearer acc');
      expect(h.get('x-workstation-token')).toBe('ws-token');
      return json(200, {
        user_id: userId,
        grant: `grant-number-${grants}-xxxxxxxx`,
        ...(totpSecret ? { totp_secret: totpSecret } : {}),
      });
    }
    return json(404, { error: 'not_found' });
  }) as typeof fetch;

  beforeEach(() => {
    t = openTestDb();
    up = true;
    grants = 0;
    totpSecret = null;
  });
  afterEach(() => t.cleanup());
  const make = () =>
    new Session({
      sqlite: t.local.sqlite,
      server: 'http://s',
      workstationToken: () => 'ws-token',
      fetch: fetchFn,
    });

  it('logs in online, stores a local verifier and the grant; logs in offline afterwards', async () => {
    const s = make();
    const r = await s.login('Awa', 'correct horse');
    expect(r).toMatchObject({ ok: true, value: { id: userId, role: 'nurse', offline: false } });
    const row = t.local.sqlite.prepare('SELECT * FROM offline_users').get() as Record<string, string>;
    expect(row.username).toBe('awa');
    expect(row.verifier).toMatch(/^\$argon2id\$/);
    expect(row.grant).toBe('grant-number-1-xxxxxxxx');
    s.logout();
    expect(s.currentUser()).toBeNull();

    up = false;
    const off = await s.login('awa', 'correct horse');
    expect(off).toMatchObject({ ok: true, value: { id: userId, offline: true } });
    s.logout();
    expect(await s.login('awa', 'wrong')).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials' },
    });
    expect(await s.login('someone', 'x')).toMatchObject({
      ok: false,
      error: { code: 'unknown_offline_user' },
    });
  });

  it('a wrong password online is refused, never checked against the local verifier', async () => {
    const s = make();
    await s.login('awa', 'correct horse');
    const r = await s.login('awa', 'old password');
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
  });

  it('locks offline attempts after repeated failures', async () => {
    const s = make();
    await s.login('awa', 'correct horse');
    up = false;
    for (let i = 0; i < 5; i++) await s.login('awa', 'bad');
    expect(await s.login('awa', 'correct horse')).toMatchObject({ ok: false, error: { code: 'locked' } });
  });

  it('asks a 2FA user for their code offline too, and takes each code once', async () => {
    totpSecret = generateSecret();
    const s = make();
    expect((await s.login('awa', 'correct horse')).ok).toBe(true);
    const kept = t.local.sqlite.prepare('SELECT totp_wrapped FROM offline_users').get() as {
      totp_wrapped: string;
    };
    expect(kept.totp_wrapped).toMatch(/^v1:/);
    expect(kept.totp_wrapped).not.toContain(totpSecret);
    s.logout();
    up = false;
    expect(await s.login('awa', 'correct horse')).toMatchObject({
      ok: false,
      error: { code: 'otp_required' },
    });
    expect(await s.login('awa', 'correct horse', '000000')).toMatchObject({
      ok: false,
      error: { code: 'otp_invalid' },
    });
    const code = await generate({ secret: totpSecret });
    expect(await s.login('awa', 'correct horse', code)).toMatchObject({ ok: true, value: { offline: true } });
    s.logout();
    expect(await s.login('awa', 'correct horse', code)).toMatchObject({
      ok: false,
      error: { code: 'otp_invalid' },
    });
    // 2FA turned off on the server: the next online sign-in drops the kept secret.
    totpSecret = null;
    up = true;
    expect((await s.login('awa', 'correct horse')).ok).toBe(true);
    expect(t.local.sqlite.prepare('SELECT totp_wrapped FROM offline_users').get()).toEqual({
      totp_wrapped: null,
    });
  });

  it('refuses offline an account the PC has heard was disabled', async () => {
    const s = make();
    await s.login('awa', 'correct horse');
    s.logout();
    up = false;
    const at = new Date().toISOString();
    t.local.sqlite.pragma('foreign_keys = OFF');
    t.local.sqlite
      .prepare(
        `INSERT INTO users (id, created_at, updated_at, version, username, first_name, last_name, role_id, is_active)
         VALUES (?, ?, ?, 1, 'awa', 'Awa', 'Jallow', ?, 0)`,
      )
      .run(userId, at, at, newId());
    expect(await s.login('awa', 'correct horse')).toMatchObject({
      ok: false,
      error: { code: 'account_disabled' },
    });
  });

  it('stops offline sign-in once the last online one is older than the setting (14 days unless set)', async () => {
    const s = make();
    await s.login('awa', 'correct horse');
    s.logout();
    up = false;
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    t.local.sqlite.prepare('UPDATE offline_users SET last_online_login_at = ?').run(daysAgo(15));
    expect(await s.login('awa', 'correct horse')).toMatchObject({
      ok: false,
      error: { code: 'offline_expired' },
    });
    const at = new Date().toISOString();
    t.local.sqlite
      .prepare(
        `INSERT INTO system_settings (id, created_at, updated_at, version, key, value, is_public)
         VALUES (?, ?, ?, 1, 'security.offline_login_days', '30', 1)`,
      )
      .run(newId(), at, at);
    expect((await s.login('awa', 'correct horse')).ok).toBe(true);
  });
});
