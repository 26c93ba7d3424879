/**
 * Reading a shape's changes from the change log, with move-in and move-out: a row whose change
 * makes it enter the shape's scope arrives as an insert, one that leaves it as a delete, and rows of
 * a table scoped through another (a patient's vitals through the patient's ward) are re-sent or
 * removed when that other row starts or stops matching.
 */
import { quoteIdent } from '../../../db/primitives/index.ts';
import type { AnyTableModel } from '../../../db/schema/dsl.ts';
import type { Database, RawQuery } from '../../platform/database.ts';
import { bindPredicate, columnView, type ScopeRule, type WorkstationScope } from '../scopes.ts';
import { changeMessageSql, deleteMessage } from '../wire.ts';

export const LOG_BATCH = 5_000;

export interface LogPage {
  messages: string[];
  lastSeq: number;
  upToDate: boolean;
  /** The log was compacted past `afterSeq` while (or before) it was read: the page may have a gap. */
  compacted: boolean;
}

export class LogReader {
  /** Log reads in flight, shared by every request that asks the same thing (PCs of one scope). */
  private readonly reads = new Map<string, Promise<LogPage>>();

  constructor(private readonly database: Database) {}

  /**
   * The changes of `readLog`, shared: requests for the same shape scope, position and head (the PCs
   * of one ward polling together) wait on one read.
   */
  read(
    ws: WorkstationScope,
    table: AnyTableModel,
    rule: ScopeRule,
    scope: string,
    afterSeq: number,
    head: number,
  ): Promise<LogPage> {
    const key = `${scope}|${afterSeq}|${head}`;
    let read = this.reads.get(key);
    if (!read) {
      read = this.readLog(ws, table, rule, afterSeq, head).finally(() => this.reads.delete(key));
      this.reads.set(key, read);
    }
    return read;
  }

  /**
   * Changes after `afterSeq` up to `head` visible to this workstation's shape of `table`: the
   * table's own log entries filtered by the rule (entering → insert, leaving → delete), plus rows
   * re-sent because a dependency row started or stopped matching (a patient transferred between
   * wards). Needs no transaction: every entry at or below a committed head is itself committed
   * (the change-log lock), and dependency rows are read as they are now.
   */
  private async readLog(
    ws: WorkstationScope,
    table: AnyTableModel,
    rule: ScopeRule,
    afterSeq: number,
    head: number,
  ): Promise<LogPage> {
    const q: RawQuery = this.database.query.bind(this.database);
    if (head <= afterSeq)
      return { messages: [], lastSeq: Math.max(head, afterSeq), upToDate: true, compacted: false };
    const t = quoteIdent(table.name);
    const view = columnView(ws, table);
    const nw = bindPredicate(rule.where, ws, { r: 'n' }, 4);
    const od = bindPredicate(rule.where, ws, { r: 'o' }, 4 + nw.params.length);
    const operation = `CASE WHEN flags.old_in THEN 'update' ELSE 'insert' END`;
    // The floor comes with the page, in the same statement (one snapshot), whether or not the page
    // has rows: the outer row always exists, the page's rows join it.
    const read = await q<{
      floor: string;
      seq: string | null;
      tx_id: string;
      row_id: string;
      new_in: boolean;
      old_in: boolean;
      m: string | null;
    }>(
      `SELECT f.floor, x.* FROM
         (SELECT coalesce((SELECT value FROM sync_counters WHERE key = 'floor'), '0') AS floor) f
         LEFT JOIN LATERAL (
           SELECT cl.seq AS seq_n, cl.seq::text AS seq, cl.tx_id::text AS tx_id, cl.row_id::text AS row_id, flags.new_in, flags.old_in,
               CASE WHEN flags.new_in THEN ${changeMessageSql(table, 'n', operation, view)} END AS m
             FROM change_log cl
             LEFT JOIN LATERAL jsonb_populate_record(NULL::${t}, cl.new_row) n ON true
             LEFT JOIN LATERAL jsonb_populate_record(NULL::${t}, cl.old_row) o ON true
             CROSS JOIN LATERAL (SELECT
               (cl.new_row IS NOT NULL AND coalesce((${nw.sql}), false)) AS new_in,
               (cl.old_row IS NOT NULL AND coalesce((${od.sql}), false)) AS old_in) flags
             WHERE cl.table_name = $1 AND cl.seq > $2 AND cl.seq <= $3
             ORDER BY cl.seq LIMIT ${LOG_BATCH + 1}) x ON true
         ORDER BY x.seq_n`,
      [table.name, afterSeq, head, ...nw.params, ...od.params],
    );
    const floorWithPage = read[0]?.floor;
    const own = read.filter((r): r is typeof r & { seq: string } => r.seq !== null);
    // More than a batch: cut after the last transaction that ends within it, so a response does not
    // end inside a transaction. One transaction larger than a whole batch (a bulk import) has to be
    // split; the rest of it comes with the next request, never skipped.
    let lastSeq = head;
    let upToDate = true;
    if (own.length > LOG_BATCH) {
      const cutTx = own[LOG_BATCH - 1]?.tx_id;
      let end = LOG_BATCH;
      while (end < own.length && own[end]?.tx_id === cutTx) end++;
      if (end === own.length) end = LOG_BATCH;
      own.length = end;
      lastSeq = Number(own[end - 1]?.seq);
      upToDate = false;
    }
    const out: { seq: number; m: string }[] = [];
    for (const e of own) {
      const seq = Number(e.seq);
      if (e.new_in && e.m) out.push({ seq, m: e.m });
      else if (e.old_in) {
        out.push({ seq, m: deleteMessage(table.name, e.row_id) });
      }
    }
    for (const dep of rule.dependsOn ?? []) {
      const dq = quoteIdent(dep.table);
      const whenNew = bindPredicate(dep.when, ws, { d: 'dn' }, 4);
      const whenOld = bindPredicate(dep.when, ws, { d: 'do_' }, 4 + whenNew.params.length);
      const inScope = bindPredicate(
        rule.where,
        ws,
        { r: 'r' },
        4 + whenNew.params.length + whenOld.params.length,
      );
      const moved = await q<{ seq: string; in_scope: boolean; row_id: string; m: string }>(
        `SELECT cl.seq::text AS seq, coalesce((${inScope.sql}), false) AS in_scope, r.id::text AS row_id,
             ${changeMessageSql(table, 'r', `'insert'`, view)} AS m
           FROM change_log cl
           LEFT JOIN LATERAL jsonb_populate_record(NULL::${dq}, cl.new_row) dn ON true
           LEFT JOIN LATERAL jsonb_populate_record(NULL::${dq}, cl.old_row) do_ ON true
           JOIN ${t} r ON r.${quoteIdent(dep.column)} = coalesce(dn.${quoteIdent(dep.via)}, do_.${quoteIdent(dep.via)})
           WHERE cl.table_name = $1 AND cl.seq > $2 AND cl.seq <= $3
             AND (cl.new_row IS NOT NULL AND coalesce((${whenNew.sql}), false))
                 IS DISTINCT FROM (cl.old_row IS NOT NULL AND coalesce((${whenOld.sql}), false))
           ORDER BY cl.seq, r.id`,
        [dep.table, afterSeq, lastSeq, ...whenNew.params, ...whenOld.params, ...inScope.params],
      );
      for (const e of moved) {
        out.push({ seq: Number(e.seq), m: e.in_scope ? e.m : deleteMessage(table.name, e.row_id) });
      }
    }
    out.sort((a, b) => a.seq - b.seq);
    // The service's floor is cached until the compaction's notification arrives, so each page checks
    // it. A compaction moves the floor and deletes in one statement: the floor read in the same
    // statement as the page's rows (one snapshot) at or below `afterSeq` means nothing the page
    // needed was gone. A page that read dependency rows in later statements reads it again after them.
    const floor =
      (rule.dependsOn ?? []).length === 0
        ? floorWithPage
        : (await q<{ value: string }>(`SELECT value FROM sync_counters WHERE key = 'floor'`))[0]?.value;
    const compacted = Number(floor ?? 0) > afterSeq;
    return { messages: out.map((o) => o.m), lastSeq, upToDate, compacted };
  }
}
