import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, loadOrCreateKeyFile } from './key-file.ts';

describe('the database key file', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'hms-key-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('is made once for a new PC and read back after', () => {
    const d = dir();
    const key = loadOrCreateKeyFile(d);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(loadOrCreateKeyFile(d)).toBe(key);
  });

  it('says the key is missing when a database exists without it, and makes no new one', () => {
    const d = dir();
    writeFileSync(join(d, DATABASE_FILE), 'encrypted pages');
    expect(() => loadOrCreateKeyFile(d)).toThrow(
      /database key .*db\.key is missing.*exists: restore the key file/,
    );
    // Kept elsewhere (HMS_DB_KEY_FILE), missing there too: the same.
    expect(() => loadOrCreateKeyFile(d, join(dir(), 'db.key'))).toThrow(/is missing/);
  });
});
