/**
 * What a batch writes about its mutations, inside the batch's transaction: the `applied_mutations`
 * record of every outcome (so a retried batch changes nothing twice), quarantined mutations, conflict
 * rows, field clocks, and audit entries. This module is the only inserter of those sync tables;
 * their rows are also updated by workstations, whose mutations resolving a conflict or retrying a
 * quarantined mutation go through the applier like any other.
 *
 * Records and audit entries are deferred and written in bulk when the batch ends (`flush`): one
 * multi-row insert and one append to the audit chain, however many mutations the batch holds.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Row } from '../../../db/primitives/index.ts';
import { tableByName } from '../../../db/schema/index.ts';
import * as s from '../../../db/schema/pg.ts';
import type { Mutation, Outcome } from '../../../db/sync-contract.ts';
import { SYSTEM_COLUMNS } from '../../../db/validation.ts';
import { type AuditAction, type AuditEntry, appendAuditBatch } from '../../auth/audit.ts';
import { insertJsonRows } from '../../platform/bulk-insert.ts';
import { rowsOf, type ServerDb } from '../../platform/database.ts';

/**
 * Re-sends a row as it stands: a no-op update the version trigger still counts and logs, so every
 * PC holding the row receives it again. Returns its new version.
 */
export async function touchRow(tx: ServerDb, table: string, id: string): Promise<number> {
  const res = await tx.execute(
    sql`UPDATE ${sql.identifier(table)} SET version = version WHERE id = ${id} RETURNING version`,
  );
  return Number(rowsOf<{ version: number }>(res)[0]?.version);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SYSTEM = new Set<string>(SYSTEM_COLUMNS);

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

export type AppliedRecord = typeof s.applied_mutations.$inferSelect;

/** The recorded outcomes of those of `mutationIds` an earlier upload already applied. */
export async function recordedOutcomes(
  tx: ServerDb,
  mutationIds: string[],
): Promise<Map<string, AppliedRecord>> {
  const seen = await tx
    .select()
    .from(s.applied_mutations)
    .where(inArray(s.applied_mutations.mutation_id, mutationIds));
  return new Map(seen.map((r) => [r.mutation_id, r]));
}

/**
 * The values a conflict row keeps: both sides, the provisional winner, and the write the server side
 * holds (its author, HLC and PC; null where a server procedure or plain SQL made it).
 */
export interface ConflictValues {
  local: unknown;
  server: unknown;
  provisional: unknown;
  serverAuthor: string | null;
  serverHlc: string | null;
  serverWorkstation: string | null;
}

/** A write the server applied, as `applied_mutations` remembers it. */
export interface AppliedWrite {
  author_id: string | null;
  workstation_id: string;
  hlc: string;
}

/** One batch's bookkeeping: written as it goes (conflicts, clocks, quarantine) or at the end (`flush`). */
export class BatchBookkeeping {
  private readonly records: (typeof s.applied_mutations.$inferInsert)[] = [];
  private readonly audits: AuditEntry[] = [];
  /** Workstation names by id, looked up once per batch for the conflicts it records. */
  private readonly names = new Map<string, string | null>();

  constructor(
    private readonly tx: ServerDb,
    private readonly workstationId: string,
    /** Each mutation's content fingerprint as sent, kept with its outcome to tell a retry from a reused id. */
    private readonly digests: ReadonlyMap<string, string> = new Map(),
    /** The address the batch came from: every audited write says which PC sent it, from where. */
    private readonly ip: string | null = null,
  ) {}

  /** Where the deferred lists stand: `rollBack(mark)` drops what a rolled-back attempt added. */
  mark(): { records: number; audits: number } {
    return { records: this.records.length, audits: this.audits.length };
  }

  rollBack(mark: { records: number; audits: number }): void {
    this.records.length = mark.records;
    this.audits.length = mark.audits;
  }

  /** Deferred: written with one multi-row insert when the batch ends. */
  record(m: Mutation, outcome: Outcome, detail: Row): void {
    this.records.push({
      mutation_id: m.id,
      workstation_id: this.workstationId,
      author_id: m.author_id,
      table_name: m.table,
      row_id: m.row_id,
      operation: m.op,
      outcome,
      hlc: m.hlc,
      detail: { ...detail, ...(this.digests.has(m.id) ? { digest: this.digests.get(m.id) } : {}) },
    });
  }

  /** Field names only: the audit trail says who changed what, not the clinical values. Deferred
   * like `record`, chained in one go when the batch ends. */
  audit(m: Mutation, action: AuditAction, table: string, fields: string[], outcome: Outcome): void {
    const chartView = table === 'chart_views' && action === 'create';
    this.audits.push({
      // A chart view travels as a row, but for the trail it is someone reading a patient's chart.
      action: chartView ? 'read' : action,
      object_type: chartView ? 'patients' : table,
      object_id: chartView ? String(m.data?.patient_id ?? m.row_id) : m.row_id,
      user_id: m.author_id,
      workstation_id: this.workstationId,
      ip_address: this.ip,
      description: chartView ? 'opened the chart' : `sync ${outcome}`,
      details: {
        mutation_id: m.id,
        fields: fields.filter((f) => !SYSTEM.has(f) || f === 'deleted_at'),
        hlc: m.hlc,
      },
      device_time: m.device_time,
    });
  }

  /** An audit entry for something the server did itself while applying the batch (an alert raised, a merge). */
  note(entry: AuditEntry): void {
    this.audits.push(entry);
  }

  /** Keeps the mutation whole (`payload`: exactly what was sent) with the reason; never drops it. */
  async quarantine(m: Mutation, reason: string, payload: unknown = m): Promise<void> {
    await this.tx.insert(s.quarantined_mutations).values({
      mutation_id: m.id,
      workstation_id: this.workstationId,
      author_id: m.author_id,
      table_name: m.table,
      row_id: m.row_id,
      tx_id: m.tx_id ?? null,
      operation: m.op,
      payload,
      reason,
    });
    this.record(m, 'quarantined', { reason });
    await this.sendBack(m);
    this.audits.push({
      action: m.op === 'insert' ? 'create' : m.op,
      object_type: m.table,
      object_id: m.row_id,
      user_id: null,
      workstation_id: this.workstationId,
      ip_address: this.ip,
      description: 'mutation quarantined',
      details: { mutation_id: m.id, claimed_author_id: m.author_id, reason },
      device_time: m.device_time,
    });
  }

  /**
   * After an update or delete is refused, the row as the server has it goes back out (a touch: the
   * version trigger logs it). The writing PC puts back the fields it changed, but not the stamps its
   * write set (`updated_at`, `updated_by`), which no outbox entry carries: without this its row
   * differed from the server's for good. Called after the refused write was rolled back.
   */
  private async sendBack(m: Mutation): Promise<void> {
    if (m.op === 'insert' || !UUID.test(m.row_id) || tableByName(m.table)?.placement !== 'synced') return;
    await touchRow(this.tx, m.table, m.row_id);
  }

  /** A `sync_conflicts` row keeping both values; returns its id. */
  async conflict(
    m: Mutation,
    table: string,
    field: string | null,
    kind: 'field' | 'delete_update',
    v: ConflictValues,
  ): Promise<string> {
    const [row] = await this.tx
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
        local_workstation_id: this.workstationId,
        local_workstation_name: await this.nameOf(this.workstationId),
        local_device_time: m.device_time,
        local_hlc: m.hlc,
        server_author_id: v.serverAuthor,
        server_hlc: v.serverHlc,
        server_workstation_id: v.serverWorkstation,
        server_workstation_name: v.serverWorkstation ? await this.nameOf(v.serverWorkstation) : null,
        mutation_id: m.id,
      })
      .returning({ id: s.sync_conflicts.id });
    return row?.id as string;
  }

  /** A workstation's name now (null: no such PC). */
  private async nameOf(id: string): Promise<string | null> {
    if (!this.names.has(id)) {
      const [ws] = await this.tx
        .select({ name: s.workstations.name })
        .from(s.workstations)
        .where(eq(s.workstations.id, id));
      this.names.set(id, ws?.name ?? null);
    }
    return this.names.get(id) ?? null;
  }

  /**
   * The latest write of `author` to a row that the server applied, deletes or other writes: the
   * server side of a conflict over a deletion, which sets no field clock. Null when none is
   * recorded (a server procedure or plain SQL made it, or it is still in this batch's deferred records).
   */
  async lastWrite(
    table: string,
    rowId: string,
    author: string | null,
    op: 'delete' | 'change',
  ): Promise<AppliedWrite | null> {
    if (!author) return null;
    const a = s.applied_mutations;
    const [w] = await this.tx
      .select({ author_id: a.author_id, workstation_id: a.workstation_id, hlc: a.hlc })
      .from(a)
      .where(
        and(
          eq(a.table_name, table),
          eq(a.row_id, rowId),
          eq(a.author_id, author),
          inArray(a.outcome, ['applied', 'merged', 'conflict']),
          op === 'delete' ? eq(a.operation, 'delete') : inArray(a.operation, ['insert', 'update']),
        ),
      )
      // The last one applied is the one whose effect the row shows.
      .orderBy(desc(a.created_at), desc(a.hlc))
      .limit(1);
    return w ?? null;
  }

  /** Which write last set each of `fields` of a row (by HLC). */
  async clocks(table: string, rowId: string, fields: string[]) {
    const rows = await this.tx
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

  /**
   * Records `m` as the write that set `fields`. Always, even when its clock is older than the one
   * there: it set the value, so a later conflict over the field is judged against it and names its
   * author (a causally later edit from a PC whose clock runs behind left the faster writer's clock,
   * and a true-clock edit made after both then lost to a value that was no longer there).
   */
  async setClocks(table: string, m: Mutation, fields: string[]): Promise<void> {
    if (fields.length === 0) return;
    await this.tx
      .insert(s.field_clocks)
      .values(
        fields.map((field) => ({
          table_name: table,
          row_id: m.row_id,
          field,
          hlc: m.hlc,
          author_id: m.author_id,
          workstation_id: this.workstationId,
        })),
      )
      .onConflictDoUpdate({
        target: [s.field_clocks.table_name, s.field_clocks.row_id, s.field_clocks.field],
        set: {
          hlc: sql`excluded.hlc`,
          author_id: sql`excluded.author_id`,
          workstation_id: sql`excluded.workstation_id`,
        },
      });
  }

  /** Writes the deferred records and audit entries: once, when the batch ends. */
  async flush(): Promise<void> {
    await insertJsonRows(this.tx, 'applied_mutations', RECORD_COLUMNS, this.records);
    await appendAuditBatch(this.tx, this.audits);
  }
}
