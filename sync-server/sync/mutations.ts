/**
 * The write path: `POST /api/sync/mutations`.
 *
 * A batch is one Postgres transaction (all or nothing, so a server killed mid-batch leaves no half
 * batch); each mutation inside runs under a savepoint and ends with exactly one outcome, recorded
 * in `applied_mutations` so a retried batch changes nothing twice:
 * - applied: every changed field still had the value the workstation based its change on;
 * - merged: the row changed meanwhile, but on other fields;
 * - conflict: a field changed meanwhile to something else. A `sync_conflicts` row keeps both
 *   values; the provisional value is the one with the greater HLC, so every arrival order ends the
 *   same. A delete racing an update keeps the row alive with the update, and records the conflict;
 * - quarantined: invalid, or not allowed for the author's current role, or not provably authored
 *   here. Kept whole in `quarantined_mutations` with the reason, never dropped.
 * A client is never trusted for authorisation: the author's grant, account and role are re-checked
 * against db/policy.ts at apply time.
 */
import { and, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { authorizeWrite } from '../../db/policy.ts';
import type { AnyTableModel, ColumnKind } from '../../db/schema/dsl.ts';
import { tableByName } from '../../db/schema/index.ts';
import * as s from '../../db/schema/pg.ts';
import {
  type Mutation,
  MutationBatchSchema,
  type MutationResult,
  MutationSchema,
  type Outcome,
  SYNC_SCHEMA_VERSION,
} from '../../db/sync-contract.ts';
import { formatIssues, SYSTEM_COLUMNS, validateWrite } from '../../db/validation.ts';
import { type AuditAction, type AuditEntry, appendAuditBatch } from '../auth/audit.ts';
import { HttpError, parseBody, toIssues } from '../http/errors.ts';
import { insertJsonRows } from '../platform/bulk-insert.ts';
import type { ServerDb } from '../platform/database.ts';
import { LOCK_KEYS } from '../platform/locks.ts';
import { type AuthenticatedWorkstation, requireWorkstation, sha256 } from './workstations/device-auth.ts';

type Row = Record<string, unknown>;

interface Author {
  id: string;
  role: string;
}

const SYSTEM = new Set<string>(SYSTEM_COLUMNS);

function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** A value as the workstation holds it, for comparing bases: ISO `Z` instants, canonical JSON. */
export function normalize(kind: ColumnKind | undefined, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (kind === 'timestamp' && typeof value === 'string') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? JSON.stringify(value) : JSON.stringify(new Date(t).toISOString());
  }
  if (kind === 'json') return canonical(value);
  return JSON.stringify(value);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value as Row).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Row)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const same = (kind: ColumnKind | undefined, a: unknown, b: unknown) =>
  normalize(kind, a) === normalize(kind, b);

/** A column value as a SQL parameter of the right type. */
function param(kind: ColumnKind | undefined, value: unknown): SQL {
  if (value === null || value === undefined) return sql`NULL`;
  if (kind === 'json') return sql`${JSON.stringify(value)}::jsonb`;
  return sql`${value}`;
}

class Quarantine extends Error {}

const RECORD_COLUMNS = [
  'mutation_id',
  'workstation_id',
  'author_id',
  'table_name',
  'row_id',
  'operation',
  'outcome',
  'hlc',
  'detail',
] as const;

/** One batch's transaction and the bookkeeping it writes in bulk when it ends. */
interface Batch {
  tx: ServerDb;
  ws: AuthenticatedWorkstation;
  authors: Map<string, Author | string>;
  records: (typeof s.applied_mutations.$inferInsert)[];
  audits: AuditEntry[];
}

interface ReadyInsert {
  m: Mutation;
  table: AnyTableModel;
  author: Author;
  value: Row;
}

export class MutationApplier {
  constructor(
    private readonly db: ServerDb,
    private readonly now: () => Date,
  ) {}

  async applyBatch(
    ws: AuthenticatedWorkstation,
    grants: Record<string, string>,
    entries: readonly ({ id: string } & Record<string, unknown>)[],
  ): Promise<MutationResult[]> {
    const parsed = entries.map((raw) => ({ raw, parsed: MutationSchema.safeParse(raw) }));
    const mutations = parsed.flatMap((p) => (p.parsed.success ? [p.parsed.data] : []));
    return this.db.transaction(async (tx) => {
      // Every write to a synced table takes the change-log lock (its trigger) and holds it to the
      // commit. Taken only at a batch's first write, it came after that batch's row locks, so two
      // batches touching the same rows deadlocked (row lock ↔ change-log lock). Take it first:
      // batches then queue up instead of aborting each other.
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${sql.raw(String(LOCK_KEYS.changeLog))})`);
      const seen = await tx
        .select()
        .from(s.applied_mutations)
        .where(
          inArray(
            s.applied_mutations.mutation_id,
            mutations.map((m) => m.id),
          ),
        );
      const done = new Map(seen.map((r) => [r.mutation_id, r]));
      const ctx: Batch = {
        tx,
        ws,
        authors: await this.authors(tx, ws, grants, mutations),
        records: [],
        audits: [],
      };
      const results: MutationResult[] = [];
      // Consecutive valid inserts into one table go in as one multi-row INSERT (the common case: an
      // outbox drained after an offline shift); anything else, one savepoint per mutation.
      let group: ReadyInsert[] = [];
      const flush = async () => {
        if (group.length) await this.insertGroup(ctx, group, results);
        group = [];
      };
      for (const { raw, parsed: p } of parsed) {
        if (done.has(raw.id)) {
          await flush();
          // Already applied by an earlier upload whose answer was lost: same answer, no change.
          const previous = done.get(raw.id);
          const detail = (previous?.detail ?? {}) as { reason?: string; version?: number };
          results.push({
            id: raw.id,
            outcome: previous?.outcome ?? 'quarantined',
            ...(detail.reason ? { reason: detail.reason } : {}),
            ...(detail.version ? { version: detail.version } : {}),
          });
          continue;
        }
        done.set(raw.id, { mutation_id: raw.id } as (typeof seen)[number]);
        if (!p.success) {
          await flush();
          const reason = `malformed mutation: ${toIssues(p.error)
            .map((i) => `${i.field}: ${i.message}`)
            .join('; ')}`;
          await this.quarantine(ctx, malformed(raw), reason, raw);
          results.push({ id: raw.id, outcome: 'quarantined', reason });
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
      await insertJsonRows(tx, 'applied_mutations', RECORD_COLUMNS, ctx.records);
      await appendAuditBatch(tx, ctx.audits);
      return results;
    });
  }

  /** An insert that passes every check that needs no database: author, table, validation, policy. */
  private readyInsert(ctx: Batch, m: Mutation): ReadyInsert | null {
    const author = ctx.authors.get(m.author_id);
    const table = tableByName(m.table);
    if (typeof author !== 'object' || table?.placement !== 'synced') return null;
    const checked = validateWrite(table.name, 'insert', m.data ?? {});
    if (!checked.ok) return null;
    const denied = authorizeWrite(author.role, 'create', table.name, Object.keys(checked.value), {
      userId: author.id,
      row: checked.value,
    });
    return denied ? null : { m, table, author, value: checked.value };
  }

  private async insertGroup(ctx: Batch, group: ReadyInsert[], results: MutationResult[]) {
    const { tx } = ctx;
    const table = (group[0] as ReadyInsert).table;
    const existing = new Set(
      rowsOf<{ id: string }>(
        await tx.execute(
          sql`SELECT id::text AS id FROM ${sql.identifier(table.name)} WHERE id IN (${sql.join(
            group.map((g) => sql`${g.m.row_id}`),
            sql`, `,
          )})`,
        ),
      ).map((r) => r.id),
    );
    const fresh = group.filter((g) => !existing.has(g.m.row_id));
    await tx.execute(sql`SAVEPOINT insert_group`);
    try {
      if (fresh.length) await this.insertRows(tx, table, fresh);
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
      if (existing.has(g.m.row_id)) {
        results.push(await this.applyOne(ctx, g.m));
        continue;
      }
      this.record(ctx, g.m, 'applied', { version: 1 });
      this.audit(ctx, g.m, 'create', table.name, Object.keys(g.value), 'applied');
      results.push({ id: g.m.id, outcome: 'applied', version: 1 });
    }
  }

  /**
   * The group's rows in as few statements as possible: consecutive rows giving the same columns go
   * in together (a column a row does not give takes its DEFAULT).
   */
  private async insertRows(tx: ServerDb, table: AnyTableModel, rows: ReadyInsert[]) {
    const at = this.now().toISOString();
    let run: Row[] = [];
    let runKeys = '';
    const flush = async () => {
      if (run.length) await insertJsonRows(tx, table.name, Object.keys(run[0] as Row), run);
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
  }

  /** The authors of a batch whose grant, account and role check out; a reason for the others. */
  private async authors(
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
      else if (!grant || !matches.some((r) => r.grant_hash === sha256(grant)))
        out.set(id, 'author has no valid authoring grant on this workstation');
      else out.set(id, { id, role: row.role });
    }
    return out;
  }

  private async applyOne(ctx: Batch, m: Mutation): Promise<MutationResult> {
    const { tx } = ctx;
    const marks = { records: ctx.records.length, audits: ctx.audits.length };
    await tx.execute(sql`SAVEPOINT mutation`);
    try {
      const author = ctx.authors.get(m.author_id);
      if (typeof author !== 'object') throw new Quarantine(author ?? 'unknown author');
      const table = tableByName(m.table);
      if (table?.placement !== 'synced') throw new Quarantine(`"${m.table}" is not a synced table`);
      const result =
        m.op === 'insert'
          ? await this.insert(ctx, table, author, m)
          : m.op === 'update'
            ? await this.update(ctx, table, author, m)
            : await this.remove(ctx, table, author, m);
      this.record(ctx, m, result.outcome, { version: result.version });
      await tx.execute(sql`RELEASE SAVEPOINT mutation`);
      return result;
    } catch (err) {
      // A deadlock, serialization failure or lost connection says nothing about the mutation:
      // fail the whole batch (nothing of it is kept) so it is retried, never quarantine it.
      if (isTransient(err)) throw err;
      await tx.execute(sql`ROLLBACK TO SAVEPOINT mutation`);
      // Bookkeeping of the rolled-back attempt goes with it.
      ctx.records.length = marks.records;
      ctx.audits.length = marks.audits;
      const reason = err instanceof Quarantine ? err.message : databaseReason(err);
      await this.quarantine(ctx, m, reason);
      await tx.execute(sql`RELEASE SAVEPOINT mutation`);
      return { id: m.id, outcome: 'quarantined', reason };
    }
  }

  private async insert(
    ctx: Batch,
    table: AnyTableModel,
    author: Author,
    m: Mutation,
  ): Promise<MutationResult> {
    const { tx } = ctx;
    const data = m.data ?? {};
    const checked = validateWrite(table.name, 'insert', data);
    if (!checked.ok) throw new Quarantine(`invalid: ${formatIssues(checked.issues)}`);
    const value = checked.value;
    const denied = authorizeWrite(author.role, 'create', table.name, Object.keys(value), {
      userId: author.id,
      row: value,
    });
    if (denied) throw new Quarantine(`not allowed: ${denied}`);
    const existing = await this.current(tx, table, m.row_id, false);
    if (existing) throw new Quarantine('a row with this id already exists');
    await this.insertRows(tx, table, [{ m, table, author, value }]);
    this.audit(ctx, m, 'create', table.name, Object.keys(value), 'applied');
    return { id: m.id, outcome: 'applied', version: 1 };
  }

  private async update(
    ctx: Batch,
    table: AnyTableModel,
    author: Author,
    m: Mutation,
  ): Promise<MutationResult> {
    const { tx, ws } = ctx;
    const changes = m.changes ?? {};
    const fields = Object.keys(changes);
    if (fields.length === 0) throw new Quarantine('an update must change at least one field');
    const values = Object.fromEntries(fields.map((f) => [f, changes[f]?.value]));
    const current = await this.current(tx, table, m.row_id, true);
    if (!current) throw new Quarantine('the row does not exist on the server');
    const checked = validateWrite(table.name, 'update', values, { current });
    if (!checked.ok) throw new Quarantine(`invalid: ${formatIssues(checked.issues)}`);
    const denied = authorizeWrite(author.role, 'update', table.name, fields, {
      userId: author.id,
      row: current,
    });
    if (denied) throw new Quarantine(`not allowed: ${denied}`);

    const clocks = await this.clocks(tx, table.name, m.row_id, fields);
    const set: Row = {};
    const conflictIds: string[] = [];
    for (const f of fields) {
      const kind = table.columns[f]?.kind;
      const change = changes[f] as { base: unknown; value: unknown };
      const value = checked.value[f] ?? null;
      if (same(kind, current[f], change.base)) set[f] = value;
      else if (same(kind, current[f], value)) continue;
      else {
        // The same field changed on the server since this workstation read it.
        const clock = clocks.get(f);
        const wins = !clock || m.hlc > clock.hlc;
        if (wins) set[f] = value;
        conflictIds.push(
          await this.conflict(tx, ws, m, table.name, f, 'field', {
            local: value,
            server: current[f],
            provisional: wins ? value : current[f],
            serverAuthor: clock?.author_id ?? (current.updated_by as string | null),
            serverHlc: clock?.hlc ?? null,
          }),
        );
      }
    }
    const deleted = current.deleted_at !== null && current.deleted_at !== undefined;
    if (deleted && !fields.includes('deleted_at')) {
      // Updated here, deleted elsewhere: keep the row and the update (no silent loss), record it.
      set.deleted_at = null;
      conflictIds.push(
        await this.conflict(tx, ws, m, table.name, null, 'delete_update', {
          local: values,
          server: { deleted_at: current.deleted_at },
          provisional: { deleted_at: null },
          serverAuthor: current.updated_by as string | null,
          serverHlc: null,
        }),
      );
    }
    let version = Number(current.version);
    if (Object.keys(set).length === 0 && conflictIds.length > 0) {
      // The server's value stayed: touch the row anyway so the change log carries it back to the
      // workstation that holds the losing value locally.
      version = await this.touch(tx, table, m.row_id);
    } else if (Object.keys(set).length > 0) {
      version = await this.write(tx, table, m.row_id, set, author.id);
      await this.setClocks(
        tx,
        table.name,
        m,
        Object.keys(set).filter((f) => f !== 'deleted_at' || fields.includes(f)),
        ws,
      );
    }
    const outcome: Outcome =
      conflictIds.length > 0
        ? 'conflict'
        : m.base_version !== undefined && m.base_version !== Number(current.version)
          ? 'merged'
          : 'applied';
    this.audit(ctx, m, 'update', table.name, fields, outcome);
    return { id: m.id, outcome, version, ...(conflictIds.length ? { conflict_ids: conflictIds } : {}) };
  }

  private async remove(
    ctx: Batch,
    table: AnyTableModel,
    author: Author,
    m: Mutation,
  ): Promise<MutationResult> {
    const { tx, ws } = ctx;
    const current = await this.current(tx, table, m.row_id, true);
    if (!current) throw new Quarantine('the row does not exist on the server');
    const denied = authorizeWrite(author.role, 'delete', table.name, [], { userId: author.id, row: current });
    if (denied) throw new Quarantine(`not allowed: ${denied}`);
    if (current.deleted_at) return { id: m.id, outcome: 'applied', version: Number(current.version) };
    if (m.base_version !== undefined && m.base_version !== Number(current.version)) {
      // Deleted here, changed elsewhere: the row stays (the other change is not lost); an admin decides.
      const id = await this.conflict(tx, ws, m, table.name, null, 'delete_update', {
        local: { deleted_at: 'deleted' },
        server: { version: current.version },
        provisional: { deleted_at: null },
        serverAuthor: current.updated_by as string | null,
        serverHlc: null,
      });
      // Touched so the deleting workstation gets the living row back through its shape.
      const version = await this.touch(tx, table, m.row_id);
      this.audit(ctx, m, 'delete', table.name, [], 'conflict');
      return { id: m.id, outcome: 'conflict', version, conflict_ids: [id] };
    }
    const version = await this.write(
      tx,
      table,
      m.row_id,
      { deleted_at: this.now().toISOString() },
      author.id,
    );
    this.audit(ctx, m, 'delete', table.name, [], 'applied');
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

  /** A no-op update: the version trigger bumps `version`, the change-log trigger re-sends the row. */
  private async touch(tx: ServerDb, table: AnyTableModel, id: string): Promise<number> {
    const res = await tx.execute(
      sql`UPDATE ${sql.identifier(table.name)} SET version = version WHERE id = ${id} RETURNING version`,
    );
    return Number(rowsOf<{ version: number }>(res)[0]?.version);
  }

  private async clocks(tx: ServerDb, table: string, rowId: string, fields: string[]) {
    const rows = await tx
      .select()
      .from(s.field_clocks)
      .where(
        and(
          eq(s.field_clocks.table_name, table),
          eq(s.field_clocks.row_id, rowId),
          inArray(s.field_clocks.field, fields),
        ),
      );
    return new Map(rows.map((r) => [r.field, r]));
  }

  private async setClocks(
    tx: ServerDb,
    table: string,
    m: Mutation,
    fields: string[],
    ws: AuthenticatedWorkstation,
  ) {
    if (fields.length === 0) return;
    await tx
      .insert(s.field_clocks)
      .values(
        fields.map((field) => ({
          table_name: table,
          row_id: m.row_id,
          field,
          hlc: m.hlc,
          author_id: m.author_id,
          workstation_id: ws.id,
        })),
      )
      .onConflictDoUpdate({
        target: [s.field_clocks.table_name, s.field_clocks.row_id, s.field_clocks.field],
        set: {
          hlc: sql`excluded.hlc`,
          author_id: sql`excluded.author_id`,
          workstation_id: sql`excluded.workstation_id`,
        },
        // A later-arriving but older write never moves the clock backwards.
        setWhere: sql`${s.field_clocks.hlc} < excluded.hlc`,
      });
  }

  private async conflict(
    tx: ServerDb,
    ws: AuthenticatedWorkstation,
    m: Mutation,
    table: string,
    field: string | null,
    kind: 'field' | 'delete_update',
    v: {
      local: unknown;
      server: unknown;
      provisional: unknown;
      serverAuthor: string | null;
      serverHlc: string | null;
    },
  ): Promise<string> {
    const [row] = await tx
      .insert(s.sync_conflicts)
      .values({
        table_name: table,
        row_id: m.row_id,
        field,
        kind,
        local_value: v.local,
        server_value: v.server,
        provisional_value: v.provisional,
        local_author_id: m.author_id,
        local_workstation_id: ws.id,
        local_device_time: m.device_time,
        local_hlc: m.hlc,
        server_author_id: v.serverAuthor,
        server_hlc: v.serverHlc,
        mutation_id: m.id,
      })
      .returning({ id: s.sync_conflicts.id });
    return row?.id as string;
  }

  /** Keeps the mutation whole (`payload`: exactly what was sent) with the reason; never drops it. */
  private async quarantine(ctx: Batch, m: Mutation, reason: string, payload: unknown = m) {
    await ctx.tx.insert(s.quarantined_mutations).values({
      mutation_id: m.id,
      workstation_id: ctx.ws.id,
      author_id: m.author_id,
      table_name: m.table,
      row_id: m.row_id,
      operation: m.op,
      payload,
      reason,
    });
    this.record(ctx, m, 'quarantined', { reason });
    ctx.audits.push({
      action: m.op === 'insert' ? 'create' : m.op,
      object_type: m.table,
      object_id: m.row_id,
      user_id: null,
      workstation_id: ctx.ws.id,
      description: 'mutation quarantined',
      details: { mutation_id: m.id, claimed_author_id: m.author_id, reason },
      device_time: m.device_time,
    });
  }

  /** Deferred: written with one multi-row insert when the batch ends. */
  private record(ctx: Batch, m: Mutation, outcome: Outcome, detail: Row) {
    ctx.records.push({
      mutation_id: m.id,
      workstation_id: ctx.ws.id,
      author_id: m.author_id,
      table_name: m.table,
      row_id: m.row_id,
      operation: m.op,
      outcome,
      hlc: m.hlc,
      detail,
    });
  }

  /** Field names only: the audit trail says who changed what, not the clinical values. Deferred
   * like `record`, chained in one go when the batch ends. */
  private audit(
    ctx: Batch,
    m: Mutation,
    action: AuditAction,
    table: string,
    fields: string[],
    outcome: Outcome,
  ) {
    ctx.audits.push({
      action,
      object_type: table,
      object_id: m.row_id,
      user_id: m.author_id,
      description: `sync ${outcome}`,
      details: {
        mutation_id: m.id,
        fields: fields.filter((f) => !SYSTEM.has(f) || f === 'deleted_at'),
        hlc: m.hlc,
      },
      device_time: m.device_time,
    });
  }
}

/** A malformed entry, kept as much as it can be read, for the quarantine record. */
function malformed(raw: { id: string } & Record<string, unknown>): Mutation {
  const text = (v: unknown, fallback: string) => (typeof v === 'string' && v.length <= 64 ? v : fallback);
  const uuid = (v: unknown) => (typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v) ? v : undefined);
  return {
    ...(raw as unknown as Mutation),
    id: raw.id,
    table: text(raw.table, '(unknown)'),
    row_id: uuid(raw.row_id) as string,
    op: (['insert', 'update', 'delete'].includes(String(raw.op)) ? raw.op : 'update') as Mutation['op'],
    author_id: uuid(raw.author_id) as string,
    hlc: text(raw.hlc, ''),
    device_time:
      typeof raw.device_time === 'string' && !Number.isNaN(Date.parse(raw.device_time))
        ? raw.device_time
        : new Date().toISOString(),
  };
}

/** Errors that are the database's state, not the mutation's: deadlock, serialization, lock timeout, shutdown. */
export function isTransient(err: unknown): boolean {
  const code =
    (err as { cause?: { code?: unknown } } | null)?.cause?.code ?? (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return (
    code === '40P01' ||
    code === '40001' ||
    code === '55P03' ||
    code.startsWith('57P') ||
    code.startsWith('08')
  );
}

/** A database error, in words fit for the quarantine list (constraint names, no values). */
function databaseReason(err: unknown): string {
  const e =
    (err as { cause?: { code?: string; constraint?: string; message?: string } }).cause ??
    (err as { code?: string; constraint?: string; message?: string });
  if (e?.code === '23505')
    return `rejected by the database: duplicate value (${e.constraint ?? 'unique key'})`;
  if (e?.code === '23503')
    return `rejected by the database: refers to a missing row (${e.constraint ?? 'foreign key'})`;
  if (e?.code === '23514') return `rejected by the database: check failed (${e.constraint ?? 'check'})`;
  if (e?.code === '23502') return 'rejected by the database: a required value is missing';
  return `rejected by the database: ${e?.code ?? 'error'}`;
}

export const mutationRoutes: FastifyPluginAsync = async (app) => {
  const { database, now } = app.hms;
  const applier = new MutationApplier(database.db, now);

  app.post('/api/sync/mutations', { bodyLimit: 8 * 1024 * 1024 }, async (request) => {
    const ws = await requireWorkstation(request);
    const batch = parseBody(MutationBatchSchema, request);
    if (batch.schema_version !== SYNC_SCHEMA_VERSION) {
      // The outbox stays on the workstation until it is updated; nothing is applied from a stale schema.
      throw new HttpError(
        409,
        'schema_version',
        `this workstation must be updated (sync schema ${SYNC_SCHEMA_VERSION})`,
        {
          required: SYNC_SCHEMA_VERSION,
        },
      );
    }
    let results: MutationResult[] | null = null;
    for (let attempt = 1; results === null; attempt++) {
      try {
        results = await applier.applyBatch(ws, batch.grants, batch.mutations);
      } catch (err) {
        // The batch rolled back whole; a transient failure is retried here, then by the client.
        if (!isTransient(err)) throw err;
        if (attempt >= 3) throw new HttpError(503, 'busy', 'the database is busy: retry the batch');
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
    }
    await database.db
      .update(s.workstations)
      .set({ last_seen_at: now().toISOString(), schema_version: batch.schema_version })
      .where(eq(s.workstations.id, ws.id));
    return { results };
  });
};
