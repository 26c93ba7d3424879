/**
 * The headless workstation's database key when no keychain is available: a random 256-bit key kept
 * in `<dataDir>/db.key`, readable by its owner only. The Electron shell keeps the key with the OS
 * keychain (`safeStorage`) instead; the core itself only ever receives a key.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function loadOrCreateKeyFile(dataDir: string): string {
  const file = join(dataDir, 'db.key');
  try {
    const key = readFileSync(file, 'utf8').trim();
    if (key) return key;
  } catch {
    // no key yet: make one
  }
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}
