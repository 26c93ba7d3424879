import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyFromPassphrase } from '../core/key-file.ts';
import { loadSealedKey, SEALED_KEY_FILE } from './key-store.ts';

/** A stand-in secret store that really transforms the bytes, so "not in the clear" is checkable. */
const store = (available: boolean) => ({
  isEncryptionAvailable: () => available,
  encryptString: (s: string) => Buffer.from(Buffer.from(s).map((b) => b ^ 0x5a)),
  decryptString: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString(),
});

describe('the local database key', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'hms-key-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('is made once, kept sealed by the OS store, and never written in the clear', () => {
    const d = dir();
    const first = loadSealedKey(store(true), d);
    const again = loadSealedKey(store(true), d);
    expect(first.kind).toBe('key');
    expect(again).toEqual(first);
    const key = (first as { key: string }).key;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(d, SEALED_KEY_FILE)).toString()).not.toContain(key);
  });

  it('without a secret store asks for a passphrase, and the same passphrase gives the same key', () => {
    const d = dir();
    expect(loadSealedKey(store(false), d)).toEqual({ kind: 'passphrase-needed', firstTime: true });
    const k1 = keyFromPassphrase(d, 'correct horse battery');
    expect(loadSealedKey(store(false), d)).toEqual({ kind: 'passphrase-needed', firstTime: false });
    expect(keyFromPassphrase(d, 'correct horse battery')).toBe(k1);
    expect(keyFromPassphrase(d, 'correct horse batterY')).not.toBe(k1);
    expect(() => keyFromPassphrase(d, 'short')).toThrow(/12 characters/);
    // Another PC (another salt) gets another key from the same passphrase.
    expect(keyFromPassphrase(dir(), 'correct horse battery')).not.toBe(k1);
  });
});
