/**
 * Nightly backups: a consistent copy of the whole database in `HMS_BACKUP_DIR`, the newest
 * `HMS_BACKUP_KEEP` kept. A real Postgres is copied with `pg_dump` (custom format, one snapshot);
 * the embedded PGlite with its own dump of its data directory. Each run's outcome (file, size, or
 * the error) goes into the audit trail, where admins see it. `npm run restore -- <file>` puts one
 * back into an empty database (restore.ts).
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { appendAudit } from '../auth/audit.ts';
import type { Database, ServerDb } from '../platform/database.ts';
import { LOCK_KEYS } from '../platform/locks.ts';
import type { Job } from './scheduler.ts';

const run = promisify(execFile);

export const BACKUP_JOB = 'backup';
/** Backup files are named so that their names sort by time. */
const NAME = /^hms-\d{8}T\d{6}Z\.(dump|pglite\.tar\.gz)$/;

export interface BackupConfig {
  dir: string;
  keep: number;
  schedule: string;
  databaseUrl: string | undefined;
}

export interface BackupResult {
  file: string;
  bytes: number;
  removed: string[];
}

/** Writes one backup now and prunes the old ones; throws when it could not be written. */
export async function writeBackup(database: Database, c: BackupConfig, now: Date): Promise<BackupResult> {
  mkdirSync(c.dir, { recursive: true, mode: 0o700 });
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const embedded = database.kind === 'pglite';
  const file = join(c.dir, `hms-${stamp}.${embedded ? 'pglite.tar.gz' : 'dump'}`);
  // Written aside, renamed when whole: a crash mid-backup never leaves a file that looks complete.
  const partial = `${file}.partial`;
  try {
    if (embedded) {
      if (!database.dumpDataDir) throw new Error('this embedded database cannot dump itself');
      const blob = await database.dumpDataDir();
      writeFileSync(partial, Buffer.from(await blob.arrayBuffer()), { mode: 0o600 });
    } else {
      if (!c.databaseUrl) throw new Error('no DATABASE_URL to back up');
      // pg_dump takes one snapshot of the whole database: consistent while the hospital works on.
      await run(
        'pg_dump',
        ['--format=custom', '--no-owner', `--file=${partial}`, `--dbname=${c.databaseUrl}`],
        {
          maxBuffer: 16 * 1024 * 1024,
        },
      );
    }
    // The whole hospital's records: readable by the server's user alone, like the database itself.
    chmodSync(partial, 0o600);
    renameSync(partial, file);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
  const backups = readdirSync(c.dir)
    .filter((f) => NAME.test(f))
    .sort();
  const removed = backups.slice(0, Math.max(0, backups.length - c.keep));
  for (const f of removed) rmSync(join(c.dir, f), { force: true });
  return { file, bytes: statSync(file).size, removed };
}

export function backupJob(database: Database, c: BackupConfig, now: () => Date): Job {
  const record = (tx: ServerDb, description: string, details: Record<string, unknown>) =>
    appendAudit(tx, {
      action: 'admin',
      object_type: 'backup',
      object_id: null,
      user_id: null,
      workstation_id: null,
      ip_address: null,
      description,
      details,
    });
  return {
    name: BACKUP_JOB,
    schedule: c.schedule,
    lockKey: LOCK_KEYS.backupJob,
    async run(_query, tx) {
      try {
        const r = await writeBackup(database, c, now());
        await record(tx, 'database backed up', { file: r.file, bytes: r.bytes, removed: r.removed.length });
        return { file: r.file, bytes: r.bytes, removed: r.removed.length };
      } catch (e) {
        // Recorded, not thrown: a throw would roll the record back with the job's transaction.
        const error = e instanceof Error ? e.message.slice(0, 500) : String(e);
        await record(tx, 'database backup FAILED', { error });
        return { failed: error };
      }
    },
  };
}
