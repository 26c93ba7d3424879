/**
 * The local database key, kept with the OS secret store through `safeStorage` (DPAPI, Keychain,
 * libsecret): the file next to the database holds it only encrypted. Where the OS offers no secret
 * store (a Linux PC without a keyring), the key is never written in the clear: it is derived from a
 * passphrase the user types, with a stored salt.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';

export const SEALED_KEY_FILE = 'db.key.sealed';
export const SALT_FILE = 'db.salt';

export type KeySource = { kind: 'key'; key: string } | { kind: 'passphrase-needed'; firstTime: boolean };

type Storage = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'>;

/** The key from the secret store (made on first run), or word that a passphrase is needed. */
export function loadSealedKey(storage: Storage, dataDir: string): KeySource {
  if (!storage.isEncryptionAvailable())
    return { kind: 'passphrase-needed', firstTime: !existsSync(join(dataDir, SALT_FILE)) };
  const file = join(dataDir, SEALED_KEY_FILE);
  if (existsSync(file)) return { kind: 'key', key: storage.decryptString(readFileSync(file)) };
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, storage.encryptString(key), { mode: 0o600, flag: 'wx' });
  return { kind: 'key', key };
}

/** The key a passphrase stands for on this PC (scrypt over a per-PC salt made on first use). */
export function keyFromPassphrase(dataDir: string, passphrase: string): string {
  if (passphrase.length < 12) throw new Error('the passphrase needs at least 12 characters');
  const file = join(dataDir, SALT_FILE);
  if (!existsSync(file)) writeFileSync(file, randomBytes(16).toString('hex'), { mode: 0o600, flag: 'wx' });
  const salt = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  return scryptSync(passphrase.normalize('NFKC'), salt, 32, {
    N: 2 ** 15,
    r: 8,
    p: 1,
    maxmem: 64 * 1024 * 1024,
  }).toString('hex');
}
