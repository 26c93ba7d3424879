/**
 * The sync server's Postgres: a real server when `DATABASE_URL` is set, otherwise PGlite (Postgres
 * in WASM) persisted in a data directory, so a fresh machine needs no database server. Both give the
 * same drizzle API, transactions, plpgsql triggers and LISTEN/NOTIFY.
 */
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from '../../db/schema/pg.ts';
import { installTriggers } from './triggers.ts';

export type Schema = typeof schema;
export type ServerDb = PgDatabase<PgQueryResultHKT, Schema>;

export type RawQuery = <R>(text: string, params?: unknown[]) => Promise<R[]>;

/** The rows of a drizzle `execute()` result, whichever driver (node-postgres or PGlite) ran it. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export interface Database {
  kind: 'postgres' | 'pglite';
  db: ServerDb;
  /** Subscribe to a NOTIFY channel; resolves to an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Run one query with positional parameters (for the few statements drizzle cannot express). */
  query<R>(text: string, params?: unknown[]): Promise<R[]>;
  /**
   * Run `fn` in one transaction with raw positional-parameter queries (the sync engine's hand-built
   * SQL). Commits when `fn` resolves, rolls back when it throws.
   */
  transaction<T>(
    fn: (query: RawQuery) => Promise<T>,
    options?: { isolation?: 'read committed' | 'repeatable read' },
  ): Promise<T>;
  /** Run a script of several statements without parameters (trigger installation). */
  exec(sql: string): Promise<void>;
  /** The embedded database's own dump (its data directory as a gzipped tarball); absent on Postgres. */
  dumpDataDir?: () => Promise<Blob>;
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
export const PG_MIGRATIONS = resolve(here, '../../db/migrations/pg');

export interface DatabaseConfig {
  /** A `postgres://` URL; when absent the embedded database is used. */
  url?: string | undefined;
  /** Where the embedded database keeps its files; `memory://` for a throw-away one. */
  dataDir?: string | undefined;
}

/**
 * Opens and migrates the database, then (re)installs the triggers every synced table carries: the
 * change log and the version bump are invariants of the data, so they hold for every writer — the
 * API, the seed, or plain SQL — not only once the sync endpoints are up.
 */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  const database = config.url
    ? await openPostgres(config.url)
    : await openPglite(config.dataDir ?? 'memory://');
  await installTriggers(database);
  return database;
}

async function openPostgres(url: string): Promise<Database> {
  // `hms.via=app` marks every change these connections make as the application's (the change log
  // records it); a change from any other connection is plain SQL, audited as such (jobs/plain-sql-audit.ts).
  const pool = new pg.Pool({ connectionString: url, max: 10, options: '-c hms.via=app' });
  // A dropped idle connection must not crash the server; the pool replaces it.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema });
  await migratePg(db, { migrationsFolder: PG_MIGRATIONS });
  return {
    kind: 'postgres',
    db: db as unknown as ServerDb,
    async listen(channel, onPayload) {
      // A dedicated connection. If it drops (Postgres restarted, network blip) it is re-established,
      // and listeners get a '*' payload: changes may have been missed while it was down.
      let closed = false;
      let client: pg.PoolClient | null = null;
      const connect = async (): Promise<void> => {
        const c = await pool.connect();
        c.on('notification', (n) => {
          if (n.channel === channel) onPayload(n.payload ?? '');
        });
        c.on('error', () => {
          c.release(true);
          if (client === c) client = null;
          if (!closed) setTimeout(reconnect, 1_000).unref();
        });
        await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        client = c;
      };
      const reconnect = () => {
        if (closed) return;
        connect().then(
          () => onPayload('*'),
          () => setTimeout(reconnect, 1_000).unref(),
        );
      };
      await connect();
      return async () => {
        closed = true;
        const c = client;
        client = null;
        // Closing the connection ends the LISTEN; no query, so a half-dead connection cannot hang it.
        c?.release(true);
      };
    },
    async query<R>(text: string, params: unknown[] = []) {
      return (await pool.query(text, params)).rows as R[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction(fn, options) {
      const client = await pool.connect();
      try {
        await client.query(
          `BEGIN ISOLATION LEVEL ${options?.isolation === 'repeatable read' ? 'REPEATABLE READ' : 'READ COMMITTED'}`,
        );
        const result = await fn(
          async <R>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as R[],
        );
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * The embedded database's files are the whole hospital's records: private to the server's user.
 * PGlite writes its files world-writable (0666), so the directory is closed (0700: nobody else can
 * even reach a file in it) and what is already there is made private at every start.
 */
function makePrivate(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) chmodSync(path, 0o700);
    else if (entry.isFile()) chmodSync(path, 0o600);
  }
}

async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    makePrivate(dataDir);
  }
  const client = await PGlite.create(dataDir);
  // Its one connection is this process's: every change is the application's.
  await client.exec(`SET hms.via = 'app'`);
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder: PG_MIGRATIONS });
  return {
    kind: 'pglite',
    db: db as unknown as ServerDb,
    async listen(channel, onPayload) {
      return client.listen(channel, onPayload);
    },
    async query<R>(text: string, params: unknown[] = []) {
      return (await client.query<R>(text, params)).rows;
    },
    async exec(sql: string) {
      await client.exec(sql);
    },
    dumpDataDir: () => client.dumpDataDir('gzip'),
    // PGlite has one connection, so every transaction is already isolated from the others.
    async transaction(fn) {
      return client.transaction((tx) =>
        fn(async <R>(text: string, params: unknown[] = []) => (await tx.query<R>(text, params)).rows),
      );
    },
    close: () => client.close(),
  };
}
