/**
 * The local database key, kept with the OS secret store through `safeStorage` (DPAPI, Keychain,
 * libsecret): the file next to the database holds it only encrypted. Where the OS offers no secret
 * store (a Linux PC without a keyring), the key is never written in the clear: the core derives it
 * from a passphrase the user types on the app's first screen (`main/core/key-file.ts`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { hasPassphrase } from '../core/key-file.ts';

export const SEALED_KEY_FILE = 'db.key.sealed';

export type KeySource = { kind: 'key'; key: string } | { kind: 'passphrase-needed'; firstTime: boolean };

type Storage = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'>;

/** The key from the secret store (made on first run), or word that a passphrase is needed. */
export function loadSealedKey(storage: Storage, dataDir: string): KeySource {
  if (!storage.isEncryptionAvailable())
    return { kind: 'passphrase-needed', firstTime: !hasPassphrase(dataDir) };
  const file = join(dataDir, SEALED_KEY_FILE);
  if (existsSync(file)) return { kind: 'key', key: storage.decryptString(readFileSync(file)) };
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, storage.encryptString(key), { mode: 0o600, flag: 'wx' });
  return { kind: 'key', key };
}
