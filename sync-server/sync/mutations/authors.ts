/**
 * Who may author a batch's mutations. A client is never trusted for authorisation: each author's
 * grant (issued at their last online log-in on this workstation), account and current role are
 * re-checked at apply time.
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { sha256Hex } from '../../../db/primitives/index.ts';
import * as s from '../../../db/schema/pg.ts';
import type { Mutation } from '../../../db/sync-contract.ts';
import type { ServerDb } from '../../platform/database.ts';
import type { AuthenticatedWorkstation } from '../workstations/device-auth.ts';

export interface Author {
  id: string;
  role: string;
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
    })
    .from(s.users)
    .innerJoin(s.roles, eq(s.roles.id, s.users.role_id))
    .leftJoin(
      s.authoring_grants,
      and(
        eq(s.authoring_grants.user_id, s.users.id),
        eq(s.authoring_grants.workstation_id, ws.id),
        isNull(s.authoring_grants.revoked_at),
      ),
    )
    .where(inArray(s.users.id, ids));
  const out = new Map<string, Author | string>();
  for (const id of ids) {
    const grant = grants[id];
    const matches = rows.filter((r) => r.id === id);
    const row = matches[0];
    if (!row) out.set(id, 'unknown author');
    else if (!row.active || row.deleted) out.set(id, 'author account is disabled');
    else if (!grant || !matches.some((r) => r.grant_hash === sha256Hex(grant)))
      out.set(id, 'author has no valid authoring grant on this workstation');
    else out.set(id, { id, role: row.role });
  }
  return out;
}
