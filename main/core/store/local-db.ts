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
import { STORAGE_MESSAGES, type StorageFault, storageFaultOf } from './storage-fault.ts';

export type LocalSchema = typeof schema;
export type LocalDb = BetterSQLite3Database<LocalSchema>;

/** The SQLite migrations beside the sources; a bundled app ships its own copy (`migrationsDir`). */
export const sqliteMigrations = (): string =>
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../db/migrations/sqlite');

export interface LocalDatabase {
  sqlite: Database.Database;
  db: LocalDb;
  /** Opened read-only because the disk would not take a write (full, or no permission): says why. */
  fault: StorageFault | null;
  close(): void;
}

/**
 * The database file is damaged: found by `quick_check` or by SQLite on opening. The file is left
 * exactly as it is; `moveAsideDamaged` keeps it and what can still be read of its unsent work.
 */
export class DamagedDatabaseError extends Error {
  readonly code = 'damaged_database';
  constructor(readonly detail: string) {
    super(STORAGE_MESSAGES.damaged);
    this.name = 'DamagedDatabaseError';
  }
}

export interface OpenLocalOptions {
  /** File path, or `:memory:`. */
  path: string;
  /** The encryption key (from Electron safeStorage in the app; from the CLI/env when headless). */
  key: string;
  /** Where the SQLite migrations are (default: beside the sources; the desktop bundle has its own). */
  migrationsDir?: string;
}

/** Sets the cipher key on a connection: the first statement on it, before anything reads the file. */
export function applyKey(sqlite: Database.Database, key: string): void {
  sqlite.pragma(`key='${key.replaceAll("'", "''")}'`);
}

/**
 * The PC's own state, checked page by page at every open (milliseconds: they are small). The synced
 * tables are checked by the workstation a minute after it starts (`Workstation.checkIntegrity`): a
 * whole-file check takes ~2 s per 140 MB (200,000 patients) and would hold every start that long.
 */
const OWN_TABLES = [
  'workstation_settings',
  'outbox',
  'offline_users',
  'number_sequences',
  'shape_positions',
  'server_rows',
] as const;

/**
 * Opens (creating or migrating) the local database, checking the PC's own tables first. A disk too
 * full to open for writing gives a read-only database that says so; a damaged one throws
 * `DamagedDatabaseError` and is not touched.
 */
export function openLocalDatabase(opts: OpenLocalOptions): LocalDatabase {
  try {
    return open(opts, false);
  } catch (e) {
    if (e instanceof DamagedDatabaseError || opts.path === ':memory:') throw e;
    const fault = storageFaultOf(e);
    if (fault?.kind === 'damaged' && (e as { code?: string }).code?.startsWith('SQLITE_CORRUPT'))
      throw new DamagedDatabaseError((e as Error).message);
    if (!fault || fault.kind === 'damaged') throw e;
    // Full disk, read-only medium or an I/O error while opening for writing: reads may still work.
    const readonly = open(opts, true);
    return { ...readonly, fault: { kind: 'readonly', message: STORAGE_MESSAGES.readonly } };
  }
}

/** `readonly`: the core writes nothing (it refuses writes up front); the file is opened as it is. */
function open({ path, key, migrationsDir }: OpenLocalOptions, readonly: boolean): LocalDatabase {
  const sqlite = new Database(path, { fileMustExist: readonly });
  try {
    // The key must be set before any other statement touches the file.
    applyKey(sqlite, key);
    if (readonly) {
      // WAL readers share an index file (-shm) that a full disk cannot hold; in exclusive mode SQLite
      // keeps that index in memory instead (set before the first read, or it has no effect). Opened
      // read-write all the same: a read-only connection in exclusive mode cannot take its lock.
      sqlite.pragma('locking_mode = EXCLUSIVE');
    } else {
      // Fails with SQLITE_NOTADB here when the key is wrong.
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = FULL');
    }
    // Reading the schema checks page 1; a new file has none of these tables yet.
    const present = new Set(
      (sqlite.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).all() as { name: string }[]).map(
        (r) => r.name,
      ),
    );
    for (const table of OWN_TABLES.filter((t) => present.has(t))) {
      const check = sqlite.pragma(`quick_check(${table})`, { simple: true });
      if (check !== 'ok') throw new DamagedDatabaseError(String(check));
    }
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('recursive_triggers = ON');
    sqlite.pragma('cache_size = -65536');
    registerSearchFunctions(sqlite);
    const db = drizzle(sqlite, { schema });
    // A read-only start keeps the schema it has: the build that wrote it is this one or older, and
    // the migrations run at the next normal start.
    if (!readonly) migrate(db, { migrationsFolder: migrationsDir ?? sqliteMigrations() });
    return { sqlite, db, fault: null, close: () => sqlite.close() };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}
