/**
 * Every Postgres advisory-lock key the server takes, in one registry: a key is a bare number, and
 * two subsystems that picked the same one would serialise (or skip) each other without a word.
 * Each key names what it serialises; `locks.test.ts` fails when two keys collide.
 *
 * All are transaction-level (`pg_advisory_xact_lock` / `pg_try_advisory_xact_lock`): released at
 * commit or rollback, so a crashed process never leaves one held. Take them with `takeLock` /
 * `tryLock` below (the change-log trigger, plpgsql, writes its own).
 */
import { type SQL, sql } from 'drizzle-orm';

/**
 * What taking a lock needs of a transaction: to run one statement. Written out rather than imported
 * from database.ts, which installs the triggers that read these keys (no import loop).
 */
interface Executes {
  execute(query: SQL): PromiseLike<unknown>;
}
type RawQuery = <R>(text: string, params?: unknown[]) => Promise<R[]>;

export const LOCK_KEYS = {
  /** Appends to the audit hash chain: concurrent appends (from any process) chain one after another. */
  auditLog: 7_310_001,
  /**
   * Writes to the change log: taken by the change-log trigger before it draws a sequence number and
   * held to the commit, so `seq` order is commit order.
   */
  changeLog: 7_310_002,
  /** First starts (roles, the first admin): two servers starting on one database at once. */
  bootstrap: 7_310_003,
  /** The change-log compaction job: one server instance compacts at a time. */
  compactionJob: 7_310_004,
  /** The nightly audit-chain check: one server instance checks at a time. */
  auditCheckJob: 7_310_005,
  /** Writing plain-SQL changes into the audit trail: one instance at a time, each change once. */
  plainSqlAuditJob: 7_310_006,
  /** Matching appointments with their reminder and follow-up messages: one instance at a time. */
  reminderPlanner: 7_310_007,
  /** The nightly backup: one server instance writes it. */
  backupJob: 7_310_008,
  /** The clinical and stock watch (notify/watch.ts): one instance raises each alert. */
  watchJob: 7_310_009,
} as const satisfies Record<string, number>;

export type LockName = keyof typeof LOCK_KEYS;

/** Waits for the lock `name` and holds it until the transaction `tx` commits or rolls back. */
export async function takeLock(tx: Executes, name: LockName): Promise<void> {
  // The key is one of ours, a whole number: inlined, not a parameter.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${sql.raw(String(LOCK_KEYS[name]))})`);
}

/**
 * Takes the lock `key` (a `LOCK_KEYS` value; tests use their own) for the transaction behind
 * `query` if no one holds it; false, without waiting, when another transaction does.
 */
export async function tryLock(query: RawQuery, key: number): Promise<boolean> {
  const text = 'SELECT pg_try_advisory_xact_lock($1::bigint) AS taken';
  const [lock] = await query<{ taken: boolean }>(text, [key]);
  return lock?.taken === true;
}
