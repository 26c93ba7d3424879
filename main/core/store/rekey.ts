/**
 * Rotates the key of a workstation's local database (reliability 10). SQLite3 Multiple Ciphers
 * cannot rekey a database in WAL mode: checkpoint the WAL into the main file, leave WAL, rekey,
 * go back to WAL. Run with the workstation stopped (no other connection open on the file).
 */
import { openLocalDatabase } from './local-db.ts';

export interface RekeyOptions {
  path: string;
  oldKey: string;
  newKey: string;
}

const quoted = (key: string) => `'${key.replaceAll("'", "''")}'`;

export function rekeyLocalDatabase({ path, oldKey, newKey }: RekeyOptions): void {
  if (newKey.length === 0) throw new Error('the new key must not be empty (that would decrypt the database)');
  // Fails with SQLITE_NOTADB when `oldKey` is wrong; nothing is changed then.
  const local = openLocalDatabase({ path, key: oldKey });
  const db = local.sqlite;
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    if (String(db.pragma('journal_mode = DELETE', { simple: true })) !== 'delete')
      throw new Error('could not leave WAL mode (is another connection open?)');
    db.pragma(`rekey=${quoted(newKey)}`);
    db.pragma('journal_mode = WAL');
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check after rekey: ${String(check)}`);
  } finally {
    local.close();
  }
}
