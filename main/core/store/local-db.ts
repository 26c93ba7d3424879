/**
 * The workstation's local database: SQLite, encrypted at rest (SQLite3 Multiple Ciphers, chacha20),
 * WAL with synchronous=FULL (the cipher build defaults WAL to NORMAL, which can lose the last commits
 * on power loss), foreign keys on. Plain Node: never imports electron.
 *
 * Also: the patient-search functions registered before migrations (its triggers call them),
 * recursive triggers on (an INSERT OR REPLACE from a shape batch that evicts a row must fire that
 * row's delete trigger, or the search index keeps it), and a 64 MiB page cache (patient search on
 * 200,000 patients answers in a few milliseconds with it, several times slower with the default 2 MiB).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from '../../../db/schema/sqlite.ts';
import { registerSearchFunctions } from './search-functions.ts';

export type LocalSchema = typeof schema;
export type LocalDb = BetterSQLite3Database<LocalSchema>;

/** The SQLite migrations beside the sources; a bundled app ships its own copy (`migrationsDir`). */
export const sqliteMigrations = (): string =>
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../db/migrations/sqlite');

export interface LocalDatabase {
  sqlite: Database.Database;
  db: LocalDb;
  close(): void;
}

export interface OpenLocalOptions {
  /** File path, or `:memory:`. */
  path: string;
  /** The encryption key (from Electron safeStorage in the app; from the CLI/env when headless). */
  key: string;
  /** Where the SQLite migrations are (default: beside the sources; the desktop bundle has its own). */
  migrationsDir?: string;
}

export function openLocalDatabase({ path, key, migrationsDir }: OpenLocalOptions): LocalDatabase {
  const sqlite = new Database(path);
  try {
    // The key must be set before any other statement touches the file.
    sqlite.pragma(`key='${key.replaceAll("'", "''")}'`);
    // Fails with SQLITE_NOTADB here when the key is wrong.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('recursive_triggers = ON');
    sqlite.pragma('cache_size = -65536');
    registerSearchFunctions(sqlite);
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: migrationsDir ?? sqliteMigrations() });
    return { sqlite, db, close: () => sqlite.close() };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}
