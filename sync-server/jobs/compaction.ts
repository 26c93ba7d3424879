/**
 * The change-log compaction job: every hour, drops log entries older than the retention window
 * (`HMS_CHANGE_LOG_RETENTION_DAYS`). A PC offline for longer than the window re-snapshots (409).
 * Compaction is idempotent, and the scheduler's lock runs it in one server instance at a time.
 */
import { LOCK_KEYS } from '../platform/locks.ts';
import { compactChangeLog } from '../sync/change-log.ts';
import type { Job } from './scheduler.ts';

export const COMPACTION_JOB = 'change-log-compaction';

export function compactionJob(opts: { retentionDays: number; now: () => Date }): Job {
  const retentionMs = opts.retentionDays * 86_400_000;
  return {
    name: COMPACTION_JOB,
    schedule: '0 * * * *',
    lockKey: LOCK_KEYS.compactionJob,
    run: (query) => compactChangeLog({ query }, new Date(opts.now().getTime() - retentionMs)),
  };
}
