/**
 * Applies one batch of mutations (the write path behind `POST /api/sync/mutations`).
 *
 * A batch is one Postgres transaction (all or nothing, so a server killed mid-batch leaves no half
 * batch). Inside it, each *unit of work* (the mutations of one operation on a workstation, sharing a
 * `tx_id`) runs under a savepoint and is applied all or none: if one of its mutations is refused, all
 * are quarantined, with the reason, and the workstation undoes the whole operation. Every mutation
 * ends with exactly one outcome, recorded in `applied_mutations` so a retried batch changes nothing
 * twice:
 * - applied: every changed field still had the value the workstation based its change on;
 * - merged: the row changed meanwhile, but on other fields;
 * - conflict: a field changed meanwhile to something else. A `sync_conflicts` row keeps both
 *   values; the provisional value is the one with the greater HLC, so every arrival order ends the
 *   same. A delete racing an update keeps the row alive with the update, and records the conflict;
 * - quarantined: invalid, or not allowed for the author's current role, or not provably authored
 *   here. Kept whole in `quarantined_mutations` with the reason, never dropped.
 * A client is never trusted: the author's grant, account and role are re-checked against
 * db/policy.ts, and the row rules (status moves, stamps, dates: db/rules) against the status the
 * author saw, at apply time. After the units, the cross-row rules the batch touched are judged and a
 * broken one raises an alert and a task (sync-server/notify/alerts.ts).
 */
import { type SQL, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { authorizeWrite, kindRefusal } from '../../../db/policy.ts';
import { formatIssues, ok, type Result, type Row } from '../../../db/primitives/index.ts';
import { checkRowRules, STATUS_MACHINES } from '../../../db/rules/index.ts';
import type { AnyTableModel, ColumnKind } from '../../../db/schema/dsl.ts';
import { tableByName } from '../../../db/schema/index.ts';
import type { Mutation, MutationResult } from '../../../db/sync-contract.ts';
import { validateWrite } from '../../../db/validation.ts';
import { judgeRules, type TouchedRow } from '../../notify/alerts.ts';
import { notifyConflictOutcomes } from '../../notify/conflict-outcomes.ts';
import { mergePatients } from '../../patients/merge.ts';
import { insertNewJsonRows } from '../../platform/bulk-insert.ts';
import { rowsOf, type ServerDb } from '../../platform/database.ts';
import { takeLock } from '../../platform/locks.ts';
import { inlinePredicate, ruleFor, type ScopeRule, writeRuleFor } from '../scopes.ts';
import type { AuthenticatedWorkstation } from '../workstations/device-auth.ts';
import { type Author, afterGrant, batchAuthors } from './authors.ts';
import { type AppliedRecord, BatchBookkeeping, recordedOutcomes, touchRow } from './bookkeeping.ts';
import {
  boundClock,
  databaseReason,
  decideField,
  isTransient,
  malformed,
  mutationDigest,
  type ParsedEntry,
  parseEntry,
  ruleTime,
  storablePayload,
  updateOutcome,
} from './conflict-rules.ts';

/** A column value as a SQL parameter of the right type. */
function param(kind: ColumnKind | undefined, value: unknown): SQL {
  if (value === null || value === undefined) return sql`NULL`;
  if (kind === 'json') return sql`${JSON.stringify(value)}::jsonb`;
  return sql`${value}`;
}

class Quarantine extends Error {}

/** One batch's transaction, its authors, and the bookkeeping it writes in bulk when it ends. */
interface Batch {
  tx: ServerDb;
  /** The sending workstation: it writes only inside its scope (scopes.ts `writeRuleFor`). */
  ws: AuthenticatedWorkstation;
  /** The server's time for the batch: clocks ahead of it are bounded to it. */
  at: Date;
  authors: Map<string, Author | string>;
  book: BatchBookkeeping;
  /** Rows the batch changed, for the cross-row rules and conflict outcomes judged at its end. */
  touched: TouchedRow[];
  /** `table/row/field` of conflicts a unit of this batch resolves: those writes need no legal status move. */
  resolutions: Set<string>;
}

type Parsed = {
  raw: { id: string } & Record<string, unknown>;
  parsed: ParsedEntry;
};

/** Consecutive entries sharing a `tx_id` (an entry without one is a unit of its own). */
export function unitsOf<T extends { raw: Record<string, unknown> & { id: string } }>(
  entries: readonly T[],
): T[][] {
  const units: T[][] = [];
  let key: string | null = null;
  for (const e of entries) {
    const tx = typeof e.raw.tx_id === 'string' ? e.raw.tx_id : `own:${e.raw.id}`;
    if (tx === key) (units[units.length - 1] as T[]).push(e);
    else {
      units.push([e]);
      key = tx;
    }
  }
  return units;
}

/**
 * Why an entry whose id is already recorded is not that same write sent again (a retry whose reply
 * was lost): sent by another workstation, or with other content. Null for a genuine retry.
 */
function reusedId(
  ws: AuthenticatedWorkstation,
  p: Parsed,
  previous: Partial<AppliedRecord> | undefined,
): string | null {
  if (!previous?.workstation_id) return null; // recorded earlier in this very batch
  const why = 'this mutation id was already used for a different write; nothing of this one was applied';
  if (previous.workstation_id !== ws.id) return why;
  if (!p.parsed.success) return null;
  const digest = (previous.detail as { digest?: string } | null)?.digest;
  const m = p.parsed.data;
  const same = digest
    ? digest === mutationDigest(m)
    : previous.table_name === m.table && previous.row_id === m.row_id && previous.hlc === m.hlc;
  return same ? null : why;
}

/** The answer an earlier upload already got (its reply was lost): the same again, nothing changed. */
function previousResult(id: string, previous: Partial<AppliedRecord> | undefined): MutationResult {
  const detail = (previous?.detail ?? {}) as { reason?: string; version?: number };
  return {
    id,
    outcome: previous?.outcome ?? 'quarantined',
    ...(detail.reason ? { reason: detail.reason } : {}),
    ...(detail.version ? { version: detail.version } : {}),
  };
}

/**
 * The checks of an insert that need no database: validation, the author's policy, the row rules
 * (status, stamps, dates at the write's device time). The row to write, or why it is refused.
 */
function checkInsert(table: AnyTableModel, author: Author, m: Mutation, at: Date): Result<Row, string> {
  const checked = validateWrite(table.name, 'insert', m.data ?? {});
  if (!checked.ok) return { ok: false, error: `invalid: ${formatIssues(checked.issues)}` };
  const value = checked.value;
  const denied = authorizeWrite(author.role, 'create', table.name, Object.keys(value), {
    userId: author.id,
    row: value,
  });
  if (denied) return { ok: false, error: `not allowed: ${denied}` };
  const broken = checkRowRules(table.name, 'insert', value, {
    from: null,
    actorId: author.id,
    now: ruleTime(m.device_time, at),
  });
  if (broken.length) return { ok: false, error: `invalid: ${formatIssues(broken)}` };
  return ok(value);
}

/**
 * Why the sending workstation may not write these fields of `table` (its kind does not write the
 * table, or does not hold the field), or null. Checked before the row is even read.
 */
function writeDenied(ws: AuthenticatedWorkstation, table: string, fields: readonly string[]): string | null {
  if (!writeRuleFor(ws.kind, table))
    return `outside this workstation's scope: a ${ws.kind} workstation does not write ${table}`;
  // A table the PC writes without holding it (audit events, chart views) sends nothing back to it.
  if (!ruleFor(ws.kind, table)) return null;
  return kindRefusal(ws.kind, table, fields);
}

/** Of rows `ids` of `table` as they now stand (in this transaction), those outside the PC's write scope. */
async function outsideScope(ctx: Batch, table: AnyTableModel, ids: readonly string[]): Promise<string[]> {
  const rule = writeRuleFor(ctx.ws.kind, table.name) as ScopeRule;
  if (rule.where === 'true' || ids.length === 0) return [];
  const where = inlinePredicate(rule.where.replaceAll('{r}', 'r'), ctx.ws);
  const res = await ctx.tx.execute(
    sql`SELECT r.id::text AS id FROM ${sql.identifier(table.name)} r
        WHERE r.id IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )}) AND NOT coalesce((${sql.raw(where)}), false)`,
  );
  return rowsOf<{ id: string }>(res).map((r) => r.id);
}

/**
 * The mutation's author when their grant on this PC covers it, else why not. A device time far
 * ahead is read at the batch's time (`ruleTime`), as the row rules read it, not refused for it.
 */
function grantedAuthor(ctx: Batch, m: Mutation): Author | string {
  const author = ctx.authors.get(m.author_id) ?? 'unknown author';
  if (typeof author !== 'object') return author;
  return afterGrant(author, ruleTime(m.device_time, ctx.at)) ?? author;
}

/** Sync bookkeeping whose settling the server stamps itself (by whom: the author; when: now). */
const SERVER_STAMPED = new Set(['sync_conflicts', 'quarantined_mutations', 'alerts']);

/** Whether, as the transaction now stands, some active admin is left (the API keeps the same rule). */
async function anActiveAdminRemains(tx: ServerDb): Promise<boolean> {
  const res = await tx.execute(
    sql`SELECT EXISTS (SELECT 1 FROM users u JOIN roles r ON r.id = u.role_id
        WHERE r.name = 'admin' AND u.is_active AND u.deleted_at IS NULL) AS ok`,
  );
  return rowsOf<{ ok: boolean }>(res)[0]?.ok === true;
}

/** The quarantine reason for a row outside the sending PC's scope. */
function outside(
  ws: AuthenticatedWorkstation,
  table: AnyTableModel,
  which: 'new' | 'stored' | 'changed',
): string {
  const what = { new: 'the new row', stored: 'the row', changed: 'the row as changed' }[which];
  const where = ws.kind === 'ward' ? `this ward's workstation` : `a ${ws.kind} workstation`;
  return `outside this workstation's scope: ${what} of ${table.name} is not one ${where} holds`;
}

interface ReadyInsert {
  m: Mutation;
  table: AnyTableModel;
  author: Author;
  value: Row;
}

/** How long one upload statement may wait for a lock, and run at all (Postgres settings). */
export const WRITE_LOCK_TIMEOUT = '3s';
export const WRITE_STATEMENT_TIMEOUT = '6s';

/** The uploading client went away mid-batch: the batch rolls back and nobody is answered. */
export class ClientGone extends Error {
  readonly code = 'client_gone';
  constructor() {
    super('the client went away');
    this.name = 'ClientGone';
  }
}

export class MutationApplier {
  constructor(
    private readonly db: ServerDb,
    private readonly now: () => Date,
  ) {}

  /**
   * `ip`: the address the batch came from, kept in the audit trail with each write. `session`: the
   * request's side: `signal` ends the batch (rolled back) when its client has gone, and `backend`
   * learns the Postgres backend running it, so a statement stuck on a lock can be cancelled too.
   */
  async applyBatch(
    ws: AuthenticatedWorkstation,
    grants: Record<string, string>,
    entries: readonly ({ id: string } & Record<string, unknown>)[],
    ip: string | null = null,
    session: { signal?: AbortSignal; backend?: (pid: number | null) => void } = {},
  ): Promise<MutationResult[]> {
    const at = this.now();
    const parsed: Parsed[] = entries.map((raw) => ({ raw, parsed: parseEntry(raw) }));
    const mutations = parsed.flatMap((p) => (p.parsed.success ? [p.parsed.data] : []));
    // Recorded with each outcome before clocks are bounded: a retry is recognised by what was sent.
    const digests = new Map(mutations.map((m) => [m.id, mutationDigest(m)]));
    for (const p of parsed)
      if (p.parsed.success) p.parsed = { success: true, data: boundClock(p.parsed.data, at) };
    const gone = () => {
      if (session.signal?.aborted) throw new ClientGone();
    };
    return this.db.transaction(async (tx) => {
      // Bounded waits: a batch stuck behind a maintenance lock gives up (55P03, answered 503 and
      // retried by the PC) well before the PC's 10 s upload timeout makes it re-send the same batch.
      const [backend] = rowsOf<{ pid: number | null }>(
        await tx.execute(
          sql`SELECT set_config('lock_timeout', ${WRITE_LOCK_TIMEOUT}, true), set_config('statement_timeout', ${WRITE_STATEMENT_TIMEOUT}, true), pg_backend_pid() AS pid`,
        ),
      );
      session.backend?.(backend?.pid ?? null);
      gone();
      // Every write to a synced table takes the change-log lock (its trigger) and holds it to the
      // commit. Taken only at a batch's first write, it came after that batch's row locks, so two
      // batches touching the same rows deadlocked (row lock ↔ change-log lock). Take it first:
      // batches then queue up instead of aborting each other.
      await takeLock(tx, 'changeLog');
      // Every entry's id, malformed ones too: a retried batch must not quarantine one twice.
      const done: Map<string, Partial<AppliedRecord>> = await recordedOutcomes(
        tx,
        parsed.map((p) => p.raw.id),
      );
      const ctx: Batch = {
        tx,
        ws,
        at,
        authors: await batchAuthors(tx, ws, grants, mutations),
        book: new BatchBookkeeping(tx, ws.id, digests, ip),
        touched: [],
        resolutions: await this.resolutions(tx, mutations),
      };
      const results: MutationResult[] = [];
      // Consecutive valid single-row inserts into one table go in as one multi-row INSERT (the
      // common case: an outbox drained after an offline shift); a unit of several rows under one
      // savepoint; anything else, one savepoint per mutation.
      let group: ReadyInsert[] = [];
      const flush = async () => {
        if (group.length) await this.insertGroup(ctx, group, results);
        group = [];
      };
      for (const unit of unitsOf(parsed)) {
        gone();
        if (unit.length > 1) {
          await flush();
          results.push(...(await this.applyUnit(ctx, unit, done)));
          continue;
        }
        const { raw, parsed: p } = unit[0] as Parsed;
        if (done.has(raw.id)) {
          await flush();
          const reused = reusedId(ws, unit[0] as Parsed, done.get(raw.id));
          if (reused) results.push(await this.refuseReused(ctx, unit[0] as Parsed, reused));
          else results.push(previousResult(raw.id, done.get(raw.id)));
          continue;
        }
        done.set(raw.id, { mutation_id: raw.id });
        if (!p.success) {
          await flush();
          await ctx.book.quarantine(malformed(raw), p.reason, storablePayload(raw));
          results.push({ id: raw.id, outcome: 'quarantined', reason: p.reason });
          continue;
        }
        const ready = p.data.op === 'insert' ? this.readyInsert(ctx, p.data) : null;
        if (
          ready &&
          (group.length === 0 || group[0]?.table.name === ready.table.name) &&
          group.length < 500
        ) {
          group.push(ready);
          continue;
        }
        await flush();
        if (ready) group.push(ready);
        else results.push(await this.applyOne(ctx, p.data));
      }
      await flush();
      const judgedAt = this.now().toISOString();
      for (const entry of await judgeRules(tx, ctx.touched, judgedAt))
        ctx.book.note({ ...entry, workstation_id: ws.id });
      await notifyConflictOutcomes(tx, ctx.touched, judgedAt);
      await ctx.book.flush();
      return results;
    });
  }

  /**
   * The conflicts this batch resolves (a `sync_conflicts` row set to resolved): the resolving unit
   * writes the chosen value, which need not be a legal status move from the value it replaces.
   */
  private async resolutions(tx: ServerDb, mutations: readonly Mutation[]): Promise<Set<string>> {
    const ids = mutations
      .filter(
        (m) => m.table === 'sync_conflicts' && m.op === 'update' && m.changes?.status?.value === 'resolved',
      )
      .map((m) => m.row_id);
    if (ids.length === 0) return new Set();
    const rows = rowsOf<{ table_name: string; row_id: string; field: string | null }>(
      await tx.execute(
        sql`SELECT table_name, row_id::text AS row_id, field FROM sync_conflicts
            WHERE status = 'open' AND id IN (${sql.join(
              ids.map((id) => sql`${id}`),
              sql`, `,
            )})`,
      ),
    );
    return new Set(rows.map((r) => `${r.table_name}/${r.row_id}/${r.field ?? ''}`));
  }

  /**
   * A unit of several mutations, all or none, under one savepoint. If one is refused (or breaks a
   * constraint), everything the unit did is rolled back and every mutation of it is quarantined: the
   * refused one with its reason, the others naming it.
   */
  private async applyUnit(ctx: Batch, unit: Parsed[], done: Map<string, Partial<AppliedRecord>>) {
    const { book } = ctx;
    const reused = unit.map((u) => reusedId(ctx.ws, u, done.get(u.raw.id)));
    if (reused.some((r) => r !== null))
      return Promise.all(
        unit.map((u, i) =>
          this.refuseReused(
            ctx,
            u,
            reused[i] ?? 'refused with the rest of its unit of work: another of its ids was already used',
          ),
        ),
      );
    if (unit.every((u) => done.has(u.raw.id)))
      return unit.map((u) => previousResult(u.raw.id, done.get(u.raw.id)));
    for (const u of unit) done.set(u.raw.id, { mutation_id: u.raw.id });
    const refuseAll = async (failing: Parsed['raw'], reason: string) => {
      const results: MutationResult[] = [];
      for (const u of unit) {
        const m = u.parsed.success ? u.parsed.data : malformed(u.raw);
        const why =
          u.raw === failing
            ? reason
            : `refused with the rest of its unit of work: its ${String(failing.op ?? 'write')} of ${String(failing.table ?? 'a row')} was refused (${reason})`;
        await book.quarantine(m, why, u.parsed.success ? m : storablePayload(u.raw));
        results.push({ id: u.raw.id, outcome: 'quarantined', reason: why });
      }
      return results;
    };
    const bad = unit.find((u) => !u.parsed.success);
    if (bad && !bad.parsed.success) return refuseAll(bad.raw, bad.parsed.reason);
    const mutations = unit.map((u) => (u.parsed as { data: Mutation }).data);

    let current: Parsed | null = null;
    return this.inSavepoint(
      ctx,
      async () => {
        const results: MutationResult[] = [];
        for (const [i, u] of unit.entries()) {
          current = u;
          results.push(await this.applyMutation(ctx, mutations[i] as Mutation));
        }
        for (const [i, r] of results.entries())
          book.record(mutations[i] as Mutation, r.outcome, {
            version: r.version,
            tx_id: unit[0]?.raw.tx_id,
          });
        return results;
      },
      (reason) => refuseAll((current as Parsed).raw, reason),
    );
  }

  /**
   * An id already used for another write (by this PC with other content, or by another PC): refused
   * without touching the first write's record, and kept under an id of its own, with the reason.
   */
  private async refuseReused(ctx: Batch, p: Parsed, reason: string): Promise<MutationResult> {
    const m = p.parsed.success ? p.parsed.data : malformed(p.raw);
    await ctx.book.quarantine({ ...m, id: uuidv7() }, reason, {
      reused_mutation_id: p.raw.id,
      sent: storablePayload(p.raw),
    });
    return { id: p.raw.id, outcome: 'quarantined', reason };
  }

  /** An insert that passes every check that needs no database (author, table, `checkInsert`), else null. */
  private readyInsert(ctx: Batch, m: Mutation): ReadyInsert | null {
    const author = grantedAuthor(ctx, m);
    const table = tableByName(m.table);
    if (typeof author !== 'object' || table?.placement !== 'synced') return null;
    if (writeDenied(ctx.ws, table.name, Object.keys(m.data ?? {}))) return null;
    const checked = checkInsert(table, author, m, ctx.at);
    return checked.ok ? { m, table, author, value: checked.value } : null;
  }

  private async insertGroup(ctx: Batch, group: ReadyInsert[], results: MutationResult[]) {
    const { tx } = ctx;
    const table = (group[0] as ReadyInsert).table;
    let inserted: ReadonlySet<string>;
    await tx.execute(sql`SAVEPOINT insert_group`);
    try {
      // A row that already exists (a re-sent insert, or one another PC made) is left out here and
      // decided below like any other write to an existing row.
      inserted = await this.insertRows(tx, table, group);
      const outside = await outsideScope(ctx, table, [...inserted]);
      if (outside.length) throw new Quarantine('a row of the group is outside the scope');
      await tx.execute(sql`RELEASE SAVEPOINT insert_group`);
    } catch (err) {
      if (isTransient(err)) throw err;
      // One row broke a constraint: find which, one savepoint each.
      await tx.execute(sql`ROLLBACK TO SAVEPOINT insert_group`);
      await tx.execute(sql`RELEASE SAVEPOINT insert_group`);
      for (const g of group) results.push(await this.applyOne(ctx, g.m));
      return;
    }
    for (const g of group) {
      if (!inserted.has(g.m.row_id)) {
        results.push(await this.applyOne(ctx, g.m));
        continue;
      }
      ctx.book.record(g.m, 'applied', { version: 1 });
      ctx.book.audit(g.m, 'create', table.name, Object.keys(g.value), 'applied');
      ctx.touched.push({ table: table.name, before: null, after: { ...g.value, id: g.m.row_id } });
      results.push({ id: g.m.id, outcome: 'applied', version: 1 });
    }
  }

  /**
   * The group's rows in as few statements as possible: consecutive rows giving the same columns go
   * in together (a column a row does not give takes its DEFAULT). Returns the ids inserted: a row
   * whose id is taken is skipped, not an error.
   */
  private async insertRows(tx: ServerDb, table: AnyTableModel, rows: ReadyInsert[]): Promise<Set<string>> {
    const at = this.now().toISOString();
    const inserted = new Set<string>();
    let run: Row[] = [];
    let runKeys = '';
    const flush = async () => {
      if (run.length)
        for (const id of await insertNewJsonRows(tx, table.name, Object.keys(run[0] as Row), run))
          inserted.add(id);
      run = [];
    };
    for (const g of rows) {
      const row: Row = {
        ...g.value,
        id: g.m.row_id,
        created_at: at,
        updated_at: at,
        created_by: g.author.id,
        updated_by: g.author.id,
      };
      const keys = Object.keys(row).join(',');
      if (keys !== runKeys) {
        await flush();
        runKeys = keys;
      }
      run.push(row);
    }
    await flush();
    return inserted;
  }

  private applyOne(ctx: Batch, m: Mutation): Promise<MutationResult> {
    return this.inSavepoint(
      ctx,
      async () => {
        const result = await this.applyMutation(ctx, m);
        ctx.book.record(m, result.outcome, { version: result.version });
        return result;
      },
      async (reason) => {
        await ctx.book.quarantine(m, reason);
        return { id: m.id, outcome: 'quarantined', reason };
      },
    );
  }

  /**
   * Runs `attempt` under a savepoint. If it refuses (a `Quarantine`) or breaks a constraint, what it
   * did is rolled back, its bookkeeping with it, and `refused` answers with the reason instead.
   */
  private async inSavepoint<T>(
    ctx: Batch,
    attempt: () => Promise<T>,
    refused: (reason: string) => Promise<T>,
  ): Promise<T> {
    const { tx, book } = ctx;
    const mark = book.mark();
    const touched = ctx.touched.length;
    await tx.execute(sql`SAVEPOINT attempt`);
    try {
      const result = await attempt();
      await tx.execute(sql`RELEASE SAVEPOINT attempt`);
      return result;
    } catch (err) {
      // A deadlock, serialization failure or lost connection says nothing about the mutation:
      // fail the whole batch (nothing of it is kept) so it is retried, never quarantine it.
      if (isTransient(err)) throw err;
      await tx.execute(sql`ROLLBACK TO SAVEPOINT attempt`);
      book.rollBack(mark);
      ctx.touched.length = touched;
      const result = await refused(err instanceof Quarantine ? err.message : databaseReason(err));
      await tx.execute(sql`RELEASE SAVEPOINT attempt`);
      return result;
    }
  }

  /** One mutation, no savepoint of its own: throws `Quarantine` (or a database error) to refuse it. */
  private async applyMutation(ctx: Batch, m: Mutation): Promise<MutationResult> {
    const author = grantedAuthor(ctx, m);
    if (typeof author !== 'object') throw new Quarantine(author);
    const table = tableByName(m.table);
    if (table?.placement !== 'synced') throw new Quarantine(`"${m.table}" is not a synced table`);
    const fields = m.op === 'insert' ? Object.keys(m.data ?? {}) : Object.keys(m.changes ?? {});
    const denied = writeDenied(ctx.ws, table.name, fields);
    if (denied) throw new Quarantine(denied);
    return m.op === 'insert'
      ? this.insert(ctx, table, author, m)
      : m.op === 'update'
        ? this.update(ctx, table, author, m)
        : this.remove(ctx, table, author, m);
  }

  private async insert(
    ctx: Batch,
    table: AnyTableModel,
    author: Author,
    m: Mutation,
  ): Promise<MutationResult> {
    const { tx } = ctx;
    const checked = checkInsert(table, author, m, ctx.at);
    if (!checked.ok) throw new Quarantine(checked.error);
    const value = checked.value;
    const existing = await this.current(tx, table, m.row_id, false);
    if (existing) throw new Quarantine('a row with this id already exists');
    await this.insertRows(tx, table, [{ m, table, author, value }]);
    if ((await outsideScope(ctx, table, [m.row_id])).length)
      throw new Quarantine(outside(ctx.ws, table, 'new'));
    ctx.book.audit(m, 'create', table.name, Object.keys(value), 'applied');
    ctx.touched.push({ table: table.name, before: null, after: { ...value, id: m.row_id } });
    return { id: m.id, outcome: 'applied', version: 1 };
  }

  private async update(
    ctx: Batch,
    table: AnyTableModel,
    author: Author,
    m: Mutation,
  ): Promise<MutationResult> {
    const { tx, book } = ctx;
    const changes = m.changes ?? {};
    const fields = Object.keys(changes);
    if (fields.length === 0) throw new Quarantine('an update must change at least one field');
    const values = Object.fromEntries(fields.map((f) => [f, changes[f]?.value]));
    const current = await this.current(tx, table, m.row_id, true);
    if (!current) throw new Quarantine('the row does not exist on the server');
    if ((await outsideScope(ctx, table, [m.row_id])).length)
      throw new Quarantine(outside(ctx.ws, table, 'stored'));
    const checked = validateWrite(table.name, 'update', values, { current });
    if (!checked.ok) throw new Quarantine(`invalid: ${formatIssues(checked.issues)}`);
    const denied = authorizeWrite(author.role, 'update', table.name, fields, {
      userId: author.id,
      row: current,
    });
    if (denied) throw new Quarantine(`not allowed: ${denied}`);
    // Row rules against what the author saw: a status moves from its base (the workstation checked
    // the same move), unless this write settles a conflict.
    const statusBase = changes.status ? changes.status.base : current.status;
    const broken = checkRowRules(table.name, 'update', checked.value, {
      from: typeof statusBase === 'string' ? statusBase : null,
      actorId: author.id,
      now: ruleTime(m.device_time, ctx.at),
      resolution: fields.some((f) => ctx.resolutions.has(`${table.name}/${m.row_id}/${f}`)),
    });
    if (broken.length) throw new Quarantine(`invalid: ${formatIssues(broken)}`);

    const clocks = await book.clocks(table.name, m.row_id, fields);
    const set: Row = {};
    const conflictIds: string[] = [];
    for (const f of fields) {
      const change = changes[f] as { base: unknown; value: unknown };
      const value = checked.value[f] ?? null;
      const clock = clocks.get(f);
      const decision = decideField(
        table.columns[f]?.kind,
        { value: current[f], hlc: clock?.hlc },
        { base: change.base, value, hlc: m.hlc },
      );
      if (decision === 'apply') set[f] = value;
      else if (decision === 'unchanged') continue;
      else {
        // The same field changed on the server since this workstation read it.
        const wins = decision === 'conflict-wins';
        if (wins) set[f] = value;
        conflictIds.push(
          await book.conflict(m, table.name, f, 'field', {
            local: value,
            server: current[f],
            provisional: wins ? value : current[f],
            serverAuthor: clock?.author_id ?? (current.updated_by as string | null),
            serverHlc: clock?.hlc ?? null,
            serverWorkstation: clock?.workstation_id ?? null,
          }),
        );
      }
    }
    const stamps = SERVER_STAMPED.has(table.name)
      ? STATUS_MACHINES[table.name]?.stamps?.[String(set.status)]
      : undefined;
    // Who settled a conflict, a refused write or an alert, and when, is the server's to say.
    for (const [col, stamp] of Object.entries(stamps ?? {}))
      set[col] = stamp === 'actor' ? author.id : this.now().toISOString();
    const deleted = current.deleted_at !== null && current.deleted_at !== undefined;
    if (deleted && !fields.includes('deleted_at')) {
      // Updated here, deleted elsewhere: keep the row and the update (no silent loss), record it.
      set.deleted_at = null;
      const deletedBy = current.updated_by as string | null;
      const deletion = await book.lastWrite(table.name, m.row_id, deletedBy, 'delete');
      conflictIds.push(
        await book.conflict(m, table.name, null, 'delete_update', {
          local: values,
          server: { deleted_at: current.deleted_at },
          provisional: { deleted_at: null },
          serverAuthor: deletedBy,
          serverHlc: deletion?.hlc ?? null,
          serverWorkstation: deletion?.workstation_id ?? null,
        }),
      );
    }
    let version = Number(current.version);
    if (Object.keys(set).length === 0 && conflictIds.length > 0) {
      // The server's value stayed: touch the row anyway so the change log carries it back to the
      // workstation that holds the losing value locally.
      version = await touchRow(tx, table.name, m.row_id);
    } else if (Object.keys(set).length > 0) {
      version = await this.write(tx, table, m.row_id, set, author.id);
      // A transfer (a `leaveBy` column) may send the row on; any other change must leave it here.
      const leaving = fields.some((f) => writeRuleFor(ctx.ws.kind, table.name)?.leaveBy?.includes(f));
      if (!leaving && (await outsideScope(ctx, table, [m.row_id])).length)
        throw new Quarantine(outside(ctx.ws, table, 'changed'));
      await book.setClocks(
        table.name,
        m,
        Object.keys(set).filter((f) => f !== 'deleted_at' || fields.includes(f)),
      );
    }
    if (table.name === 'users' && !(await anActiveAdminRemains(tx)))
      throw new Quarantine('this is the last active admin: the system would have no one to administer it');
    if (table.name === 'patient_merges' && set.status === 'completed' && current.status !== 'completed') {
      const merged = await mergePatients(tx, {
        survivorId: String(current.survivor_id),
        mergedId: String(current.merged_id),
        authorId: author.id,
      });
      if (!merged.ok) throw new Quarantine(`cannot merge: ${merged.reason}`);
      book.note({
        action: 'merge',
        object_type: 'patients',
        object_id: String(current.merged_id),
        user_id: author.id,
        description: 'patient records merged',
        details: {
          survivor_id: current.survivor_id,
          merged_id: current.merged_id,
          repointed: merged.repointed,
        },
        device_time: m.device_time,
      });
    }
    const outcome = updateOutcome(conflictIds.length, m.base_version, Number(current.version));
    book.audit(m, 'update', table.name, fields, outcome);
    ctx.touched.push({ table: table.name, before: current, after: { ...current, ...set } });
    return { id: m.id, outcome, version, ...(conflictIds.length ? { conflict_ids: conflictIds } : {}) };
  }

  private async remove(
    ctx: Batch,
    table: AnyTableModel,
    author: Author,
    m: Mutation,
  ): Promise<MutationResult> {
    const { tx, book } = ctx;
    const current = await this.current(tx, table, m.row_id, true);
    if (!current) throw new Quarantine('the row does not exist on the server');
    if ((await outsideScope(ctx, table, [m.row_id])).length)
      throw new Quarantine(outside(ctx.ws, table, 'stored'));
    const denied = authorizeWrite(author.role, 'delete', table.name, [], { userId: author.id, row: current });
    if (denied) throw new Quarantine(`not allowed: ${denied}`);
    if (current.deleted_at) return { id: m.id, outcome: 'applied', version: Number(current.version) };
    if (m.base_version !== undefined && m.base_version !== Number(current.version)) {
      // Deleted here, changed elsewhere: the row stays (the other change is not lost); an admin decides.
      const changedBy = current.updated_by as string | null;
      const change = await book.lastWrite(table.name, m.row_id, changedBy, 'change');
      const id = await book.conflict(m, table.name, null, 'delete_update', {
        local: { deleted_at: 'deleted' },
        server: { version: current.version },
        provisional: { deleted_at: null },
        serverAuthor: changedBy,
        serverHlc: change?.hlc ?? null,
        serverWorkstation: change?.workstation_id ?? null,
      });
      // Touched so the deleting workstation gets the living row back through its shape.
      const version = await touchRow(tx, table.name, m.row_id);
      book.audit(m, 'delete', table.name, [], 'conflict');
      return { id: m.id, outcome: 'conflict', version, conflict_ids: [id] };
    }
    const deletedAt = this.now().toISOString();
    const version = await this.write(tx, table, m.row_id, { deleted_at: deletedAt }, author.id);
    if (table.name === 'users' && !(await anActiveAdminRemains(tx)))
      throw new Quarantine('this is the last active admin: the system would have no one to administer it');
    book.audit(m, 'delete', table.name, [], 'applied');
    ctx.touched.push({ table: table.name, before: current, after: { ...current, deleted_at: deletedAt } });
    return { id: m.id, outcome: 'applied', version };
  }

  /** The stored row as `to_jsonb` renders it (uniform across drivers), optionally locked. */
  private async current(tx: ServerDb, table: AnyTableModel, id: string, lock: boolean): Promise<Row | null> {
    const res = await tx.execute(
      sql`SELECT to_jsonb(r) AS row FROM ${sql.identifier(table.name)} r WHERE r.id = ${id}${lock ? sql` FOR UPDATE` : sql``}`,
    );
    return rowsOf<{ row: Row }>(res)[0]?.row ?? null;
  }

  private async write(
    tx: ServerDb,
    table: AnyTableModel,
    id: string,
    set: Row,
    authorId: string,
  ): Promise<number> {
    const at = this.now().toISOString();
    const all: Row = { ...set, updated_at: at, updated_by: authorId };
    const res = await tx.execute(
      sql`UPDATE ${sql.identifier(table.name)} SET ${sql.join(
        Object.keys(all).map((f) => sql`${sql.identifier(f)} = ${param(table.columns[f]?.kind, all[f])}`),
        sql`, `,
      )} WHERE id = ${id} RETURNING version`,
    );
    return Number(rowsOf<{ version: number }>(res)[0]?.version);
  }
}
