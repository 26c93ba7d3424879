/**
 * The sync queues as operations (main/common/sync.ts): the status bar, "sync now", resolving a
 * conflict, and retrying or discarding a refused write. Each decision is a unit of work: the chosen
 * value goes to the row as a new version and the queue row records who decided, when and why, in one
 * transaction, uploaded together; the server audits both and tells the authors whose value lost.
 */
import { err, ok, type Row } from '../../../../db/primitives/index.ts';
import { withoutSystemColumns } from '../../../../db/validation.ts';
import type { sync, WorkstationStatus } from '../../../common/sync.ts';
import type { DomainHandlers } from '../../registry.ts';
import type { Outbox } from '../../store/outbox.ts';
import type { Reader } from '../../store/reader.ts';
import type { UnitWriter, Writes } from '../../store/writes.ts';
import { conflictView, type NameOf, pendingRecordView, quarantineView } from './views.ts';

export interface SyncCore {
  reader: Reader;
  writes: Writes;
  outbox: Outbox;
  status: () => WorkstationStatus;
  syncNow: () => void;
}

/** The value a delete-vs-update conflict side stands for. */
const deletes = (v: unknown) =>
  typeof v === 'object' && v !== null && 'deleted_at' in v && (v as Row).deleted_at !== null;

/** Re-issues one refused mutation (as the server kept it) through the unit's writer, with corrections. */
function reissue(w: UnitWriter, q: Row, corrections: Row | undefined): void {
  const m = (q.payload ?? {}) as { op?: string; data?: Row; changes?: Record<string, { value: unknown }> };
  const table = String(q.table_name);
  const rowId = String(q.row_id);
  if (q.operation === 'insert') {
    // A box emptied on a new record is "not given", as the registration form has it: left out, so
    // the column's default applies, and a field the author may no longer set is not sent at all.
    const emptied = new Set(Object.keys(corrections ?? {}).filter((f) => corrections?.[f] === null));
    const row = Object.entries({ ...withoutSystemColumns(m.data ?? {}), ...corrections }).filter(
      ([f]) => !emptied.has(f),
    );
    w.insert(table, { ...Object.fromEntries(row), id: rowId });
  } else if (q.operation === 'update') {
    const patch: Row = {};
    for (const [f, c] of Object.entries(m.changes ?? {})) patch[f] = c.value;
    w.update(table, rowId, { ...patch, ...corrections });
  } else {
    w.softDelete(table, rowId);
  }
}

export function syncHandlers(core: SyncCore): DomainHandlers<typeof sync> {
  const { reader, writes } = core;
  const isAdmin = (role: string) => role === 'admin';
  /** Names for the queues' author ids, through the read policy. */
  const namesFor =
    (user: { id: string; role: string }): NameOf =>
    (id) => {
      const u = id ? reader.one(user, 'users', id) : null;
      if (!u) return null;
      return (
        [u.first_name, u.last_name].filter((x) => typeof x === 'string' && x).join(' ') ||
        String(u.username ?? '') ||
        null
      );
    };

  /** The quarantine records of one refusal's unit (the whole unit is retried or discarded). */
  const unitOf = (user: { id: string; role: string }, id: string) => {
    const byMutation =
      reader.rows(user, 'quarantined_mutations', {
        where: 't."mutation_id" = ?',
        params: [id],
        limit: 1,
      })[0] ?? null;
    if (!byMutation) return null;
    const txId = typeof byMutation.tx_id === 'string' ? byMutation.tx_id : null;
    const all = txId
      ? reader.rows(user, 'quarantined_mutations', { where: 't."tx_id" = ?', params: [txId] })
      : [byMutation];
    // In the order they were written (their HLCs), so a unit is re-issued as it was made.
    return all.sort((a, b) => {
      const ha = String((a.payload as Row | null)?.hlc ?? '');
      const hb = String((b.payload as Row | null)?.hlc ?? '');
      return ha < hb ? -1 : ha > hb ? 1 : 0;
    });
  };

  const notYetRecorded = (id: string) =>
    core.outbox.entry(id)?.outcome === 'quarantined'
      ? err(
          'not_yet_recorded',
          "the server's record of this refusal has not reached this workstation yet: try again in a moment",
        )
      : err('not_found', 'no such refused write');

  return {
    status: () => ok(core.status()),

    syncNow: () => {
      core.syncNow();
      return ok(null);
    },

    conflicts: ({ status, limit, offset }, { user }) =>
      ok(
        reader
          .rows(user, 'sync_conflicts', {
            where: 't."status" = ?',
            params: [status],
            orderBy: 't."created_at" DESC, t."id"',
            limit,
            offset,
          })
          .map((r) => conflictView(r, namesFor(user))),
      ),

    resolveConflict: ({ id, choice, value, note }, { user }) => {
      const c = reader.one(user, 'sync_conflicts', id);
      if (!c) return err('not_found', 'no such conflict (or not yours to see)');
      if (c.status !== 'open') return err('already_resolved', 'this conflict has already been resolved');
      if (choice === 'value' && (value === undefined || c.kind === 'delete_update'))
        return err(
          'invalid_arguments',
          c.kind === 'delete_update'
            ? 'a deleted-versus-changed conflict is settled by keeping one side'
            : 'give the merged value',
        );
      const chosen = choice === 'local' ? c.local_value : choice === 'server' ? c.server_value : value;
      const table = String(c.table_name);
      const rowId = String(c.row_id);
      const r = writes.unit((w) => {
        if (c.kind === 'field') {
          w.update(table, rowId, { [String(c.field)]: chosen ?? null }, { resolution: true });
        } else if (deletes(chosen)) {
          // The chosen side deleted the row: the row (kept alive provisionally) goes.
          w.softDelete(table, rowId);
        }
        return w.update('sync_conflicts', id, {
          status: 'resolved',
          resolution_value: chosen ?? null,
          resolution_note: note,
        });
      });
      return r.ok ? ok(conflictView(r.value, namesFor(user))) : r;
    },

    quarantine: ({ status, limit, offset }, { user }) => {
      const records = reader
        .rows(user, 'quarantined_mutations', {
          ...(status === 'open' ? { where: 't."status" = ?', params: ['open'] } : {}),
          orderBy: 't."created_at" DESC, t."id"',
          limit,
          offset,
        })
        .map((r) => quarantineView(r, namesFor(user)));
      const waiting =
        offset === 0
          ? core.outbox
              .refusedWithoutRecord(isAdmin(user.role) ? null : user.id)
              .map((e) => pendingRecordView(e, namesFor(user)))
          : [];
      return ok([...waiting, ...records]);
    },

    retryQuarantined: ({ id, values, note }, { user }) => {
      const unit = unitOf(user, id);
      if (!unit) return notYetRecorded(id);
      if (unit.some((q) => q.status !== 'open'))
        return err('already_reviewed', 'this refused write has already been dealt with');
      const r = writes.unit((w) => {
        for (const q of unit) reissue(w, q, q.mutation_id === id ? values : undefined);
        for (const q of unit)
          w.update('quarantined_mutations', String(q.id), {
            status: 'reapplied',
            review_note: note ?? `retried by ${user.username}`,
          });
        return w.txId;
      });
      return r.ok ? ok({ txId: r.value }) : r;
    },

    discardQuarantined: ({ id, note }, { user }) => {
      const unit = unitOf(user, id);
      if (!unit) return notYetRecorded(id);
      if (unit.some((q) => q.status !== 'open'))
        return err('already_reviewed', 'this refused write has already been dealt with');
      const r = writes.unit((w) => {
        let mine: Row | null = null;
        for (const q of unit) {
          const updated = w.update('quarantined_mutations', String(q.id), {
            status: 'dismissed',
            review_note: note,
          });
          if (q.mutation_id === id) mine = updated;
        }
        return mine ?? (unit[0] as Row);
      });
      return r.ok ? ok(quarantineView(r.value, namesFor(user))) : r;
    },
  };
}
