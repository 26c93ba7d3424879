/**
 * When someone resolves a sync conflict, the authors whose value was not kept hear about it (a
 * notification on the PCs they work at): the clinician who made the losing edit sees the outcome,
 * and why. The resolver is not told what they just did.
 */
import { sameValue } from '../../db/primitives/index.ts';
import { tableByName } from '../../db/schema/index.ts';
import * as s from '../../db/schema/pg.ts';
import type { ServerDb } from '../platform/database.ts';
import type { TouchedRow } from './alerts.ts';

export async function notifyConflictOutcomes(
  tx: ServerDb,
  touched: readonly TouchedRow[],
  now: string,
): Promise<void> {
  for (const t of touched) {
    if (t.table !== 'sync_conflicts' || t.before?.status !== 'open' || t.after.status !== 'resolved')
      continue;
    const c = t.after;
    const kind = c.field ? tableByName(String(c.table_name))?.columns[String(c.field)]?.kind : 'json';
    const what = `${String(c.table_name).replaceAll('_', ' ')}${c.field ? ` (${String(c.field).replaceAll('_', ' ')})` : ''}`;
    const losers = new Set<string>();
    for (const [author, value] of [
      [c.local_author_id, c.local_value],
      [c.server_author_id, c.server_value],
    ] as const) {
      if (
        typeof author === 'string' &&
        author !== c.resolved_by &&
        !sameValue(kind, value, c.resolution_value)
      )
        losers.add(author);
    }
    for (const user of losers)
      await tx.insert(s.notifications).values({
        user_id: user,
        title: 'A change of yours was not kept',
        message: `Two changes to the same ${what} met during sync; another value was kept.${c.resolution_note ? ` Reason: ${String(c.resolution_note)}` : ''}`,
        notification_type: 'sync',
        related_table: 'sync_conflicts',
        related_id: String(c.id),
        created_at: now,
        updated_at: now,
      });
  }
}
