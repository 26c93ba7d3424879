/**
 * Puts a backup (backup.ts) back into an empty database: a `.dump` into the Postgres at `url` with
 * `pg_restore`, a `.pglite.tar.gz` into a new embedded data directory. Refuses a target that holds
 * anything: a restore never mixes with, or overwrites, a live hospital's data.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

const run = promisify(execFile);

export type RestoreTarget = { url: string } | { dataDir: string };

export class RestoreError extends Error {}

export async function restoreBackup(file: string, target: RestoreTarget): Promise<void> {
  if (!existsSync(file)) throw new RestoreError(`no such backup file: ${file}`);
  if (file.endsWith('.pglite.tar.gz')) {
    if (!('dataDir' in target))
      throw new RestoreError(
        'an embedded database backup restores into the embedded database: unset DATABASE_URL',
      );
    if (existsSync(target.dataDir) && readdirSync(target.dataDir).length > 0)
      throw new RestoreError(
        `${target.dataDir} is not empty: restore into a new data directory (HMS_DATA_DIR)`,
      );
    const db = await PGlite.create({ dataDir: target.dataDir, loadDataDir: new Blob([readFileSync(file)]) });
    await db.query('SELECT 1');
    await db.close();
    return;
  }
  if (!file.endsWith('.dump'))
    throw new RestoreError('not a backup file of this system (.dump or .pglite.tar.gz)');
  if (!('url' in target))
    throw new RestoreError('a Postgres backup restores into a Postgres database: set DATABASE_URL');
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    if ((rows[0]?.n ?? 0) > 0)
      throw new RestoreError('the target database is not empty: create a new, empty one');
  } finally {
    await client.end();
  }
  await run('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${target.url}`, file], {
    maxBuffer: 16 * 1024 * 1024,
  });
}
