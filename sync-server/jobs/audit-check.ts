/**
 * The nightly audit-trail check: re-computes the whole chain (every seal, and the checkpointed head)
 * and, when it does not verify, tells every active admin (a `system` notification on their
 * workstations) and logs it. A verified head is checkpointed, so rows deleted later are seen.
 */
import { and, eq, isNull } from 'drizzle-orm';
import * as s from '../../db/schema/pg.ts';
import { verifyAuditChain } from '../auth/audit.ts';
import type { ServerDb } from '../platform/database.ts';
import { LOCK_KEYS } from '../platform/locks.ts';
import type { Job } from './scheduler.ts';

export const AUDIT_CHECK_JOB = 'audit-check';

/** Runs the check; on a break, notifies the admins. Returns where it broke, or null. */
export async function checkAuditTrail(db: ServerDb): Promise<number | null> {
  const brokenAt = await verifyAuditChain(db);
  if (brokenAt === null) return null;
  const admins = await db
    .select({ id: s.users.id })
    .from(s.users)
    .innerJoin(s.roles, eq(s.roles.id, s.users.role_id))
    .where(and(eq(s.roles.name, 'admin'), eq(s.users.is_active, true), isNull(s.users.deleted_at)));
  if (admins.length > 0)
    await db.insert(s.notifications).values(
      admins.map((a) => ({
        user_id: a.id,
        notification_type: 'system' as const,
        title: 'The audit trail does not verify',
        message:
          `The audit trail does not verify from entry ${brokenAt}: entries were changed or removed outside ` +
          'the application. Keep the database and the server key directory as they are, and call IT security.',
        related_table: 'audit_log',
      })),
    );
  return brokenAt;
}

export function auditCheckJob(): Job {
  return {
    name: AUDIT_CHECK_JOB,
    schedule: '30 2 * * *',
    lockKey: LOCK_KEYS.auditCheckJob,
    run: async (_query, tx) => {
      const brokenAt = await checkAuditTrail(tx);
      if (brokenAt !== null) throw new Error(`the audit trail does not verify from entry ${brokenAt}`);
      return { verified: true };
    },
  };
}
