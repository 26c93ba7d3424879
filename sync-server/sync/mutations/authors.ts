/**
 * Who may author a batch's mutations. A client is never trusted for authorisation: each author's
 * grant (issued at their last online log-in on this workstation), account and current role are
 * re-checked at apply time.
 *
 * A grant ends when an admin resets its user's password or disables them (`revoked_at`), and
 * `security.authoring_grant_days` (30) after it was issued. What the PC wrote before the end still
 * lands (made offline, in good faith); anything written later is quarantined until the user signs
 * in online again. Signing out does not end it: the next offline sign-in on that PC must still be
 * able to write (an ended grant would quarantine a whole offline shift, undone from the charts).
 */
import { and, eq, inArray } from 'drizzle-orm';
import { sha256Hex } from '../../../db/primitives/index.ts';
import * as s from '../../../db/schema/pg.ts';
import type { Mutation } from '../../../db/sync-contract.ts';
import { isoTime } from '../../http/time.ts';
import type { ServerDb } from '../../platform/database.ts';
import type { AuthenticatedWorkstation } from '../workstations/device-auth.ts';

export interface Author {
  id: string;
  role: string;
  /** When the grant this batch names ends (ms since the epoch): later writes are refused. */
  grantEnds: number;
}

export const GRANT_DAYS_SETTING = 'security.authoring_grant_days';
const GRANT_DAYS_DEFAULT = 30;

/** Why `m` may not stand on its author's grant (written after it ended), or null. */
export function afterGrant(author: Author, deviceTime: string): string | null {
  return Date.parse(deviceTime) >= author.grantEnds
    ? "written after the author's authoring grant on this workstation ended (password reset, account disabled, or too old): sign in online again, then retry it"
    : null;
}

/** The authors of a batch whose grant, account and role check out; a reason for the others. */
export async function batchAuthors(
  tx: ServerDb,
  ws: AuthenticatedWorkstation,
  grants: Record<string, string>,
  mutations: Mutation[],
): Promise<Map<string, Author | string>> {
  const ids = [...new Set(mutations.map((m) => m.author_id))];
  const rows = await tx
    .select({
      id: s.users.id,
      active: s.users.is_active,
      deleted: s.users.deleted_at,
      role: s.roles.name,
      grant_hash: s.authoring_grants.grant_hash,
      issued_at: s.authoring_grants.issued_at,
      revoked_at: s.authoring_grants.revoked_at,
    })
    .from(s.users)
    .innerJoin(s.roles, eq(s.roles.id, s.users.role_id))
    .leftJoin(
      s.authoring_grants,
      and(eq(s.authoring_grants.user_id, s.users.id), eq(s.authoring_grants.workstation_id, ws.id)),
    )
    .where(inArray(s.users.id, ids));
  const [setting] = await tx
    .select({ value: s.system_settings.value })
    .from(s.system_settings)
    .where(eq(s.system_settings.key, GRANT_DAYS_SETTING));
  const days = Number(setting?.value);
  const maxAgeMs = (Number.isInteger(days) && days > 0 ? days : GRANT_DAYS_DEFAULT) * 86_400_000;
  const out = new Map<string, Author | string>();
  for (const id of ids) {
    const grant = grants[id];
    const matches = rows.filter((r) => r.id === id);
    const row = matches[0];
    const held = grant ? matches.find((r) => r.grant_hash === sha256Hex(grant)) : undefined;
    if (!row) out.set(id, 'unknown author');
    else if (!held?.issued_at) out.set(id, 'author has no valid authoring grant on this workstation');
    else {
      const ends = Math.min(
        held.revoked_at ? Date.parse(isoTime(held.revoked_at)) : Number.POSITIVE_INFINITY,
        Date.parse(isoTime(held.issued_at)) + maxAgeMs,
      );
      // A disabled account's writes land only if its grant was ended when it was disabled (so the
      // server knows up to when); otherwise none do.
      if ((!row.active || row.deleted) && !held.revoked_at) out.set(id, 'author account is disabled');
      else out.set(id, { id, role: row.role, grantEnds: ends });
    }
  }
  return out;
}
