/**
 * Where a workstation's database key comes from when no OS keychain holds it: a random 256-bit key
 * kept in `<dataDir>/db.key`, readable by its owner only (headless, the demo); or derived from a
 * passphrase the user types, with a per-PC salt, so the key is never written anywhere (the Electron
 * shell on a PC without a secret store, or `npm run workstation -- --passphrase`). The Electron shell
 * otherwise keeps the key with `safeStorage`; the core itself only ever receives a key.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The workstation's database file in its data folder. */
export const DATABASE_FILE = 'workstation.db';

/**
 * The key in `file`, or a new one when this PC has no database yet. A database without its key is
 * an error that says so: a new random key could never open it (SQLite would only say "file is not
 * a database").
 */
export function loadOrCreateKeyFile(dataDir: string, file = join(dataDir, 'db.key')): string {
  try {
    const key = readFileSync(file, 'utf8').trim();
    if (key) return key;
  } catch {
    // no key yet
  }
  if (existsSync(join(dataDir, DATABASE_FILE)))
    throw new Error(
      `the database key ${file} is missing (or empty), but ${join(dataDir, DATABASE_FILE)} exists: ` +
        'restore the key file from where it was kept (or set HMS_DB_KEY). A new key cannot open this ' +
        'database; to start afresh instead, move the data folder aside and enrol the PC again.',
    );
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

export const SALT_FILE = 'db.salt';

/** True once a passphrase has been chosen on this PC (its salt exists). */
export const hasPassphrase = (dataDir: string): boolean => existsSync(join(dataDir, SALT_FILE));

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
