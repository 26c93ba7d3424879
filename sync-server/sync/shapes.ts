/**
 * The read path: Electric's HTTP shape protocol served from the change log.
 *
 * Offsets are `<seq>_<n>`:
 * - `-1` asks for a snapshot, read from the table itself at log position S (one REPEATABLE READ
 *   transaction), split into chunks by id boundaries fixed when the snapshot starts, offsets
 *   `S_1`, `S_2`, … and finally `S_inf`;
 * - `<seq>_0` / `<seq>_inf` continue from the log after `seq`.
 * A handle is `<scope hash>-<epoch>-<S>-<random>`: it names one shape (table + the workstation's
 * scope) for the life of its log. It is checked statelessly: another scope, another epoch (bulk
 * load, schema change) or a position below the compaction floor answer 409 must-refetch.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AnyTableModel } from '../../db/schema/dsl.ts';
import { tableByName } from '../../db/schema/index.ts';
import type { Database, RawQuery } from '../platform/database.ts';
import { CHANGE_CHANNEL } from '../platform/triggers.ts';
import { currentSeq, type LogPosition, logPosition } from './change-log.ts';
import { bindPredicate, ruleFor, scopeKey, type TableRule, type WorkstationScope } from './scopes.ts';
import { changeMessageSql, deleteMessage, electricSchema } from './wire.ts';

export const SNAPSHOT_CHUNK = 10_000;
export const LOG_BATCH = 5_000;
export const LIVE_TIMEOUT_MS = 20_000;

export type ShapeAnswer =
  | { status: 200; headers: Record<string, string>; body: string }
  | { status: 409; headers: Record<string, string>; body: string };

export interface ShapeRequest {
  table: string;
  offset: string;
  handle?: string | undefined;
  live: boolean;
  cursor?: string | undefined;
}

interface ParsedHandle {
  scope: string;
  epoch: number;
  snapshotSeq: number;
}

interface SnapshotPlan {
  boundaries: string[];
  createdAt: number;
}

const UP_TO_DATE = '{"headers":{"control":"up-to-date"}}';
const quote = (ident: string) => `"${ident.replaceAll('"', '""')}"`;
const scopeHash = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

function parseHandle(handle: string | undefined): ParsedHandle | null {
  const m = handle ? /^([0-9a-f]{16})-(\d+)-(\d+)-[0-9a-f]+$/.exec(handle) : null;
  if (!m) return null;
  return { scope: m[1] as string, epoch: Number(m[2]), snapshotSeq: Number(m[3]) };
}

function parseOffset(offset: string): { seq: number; part: number | 'inf' } | 'snapshot' | null {
  if (offset === '-1') return 'snapshot';
  const m = /^(\d+)_(\d+|inf)$/.exec(offset);
  if (!m) return null;
  return { seq: Number(m[1]), part: m[2] === 'inf' ? 'inf' : Number(m[2]) };
}

/** Electric's cache-defeating cursor: seconds since 2024-10-09, rounded up to the poll interval. */
function nextCursor(previous: string | undefined): string {
  const interval = LIVE_TIMEOUT_MS / 1000;
  const seconds = Math.ceil((Date.now() - Date.UTC(2024, 9, 9)) / 1000 / interval) * interval;
  const prev = Number(previous);
  return String(
    Number.isFinite(prev) && seconds <= prev ? prev + 1 + Math.floor(Math.random() * 3600) : seconds,
  );
}

export class ShapeService {
  /** Live requests waiting for a commit, by table name. */
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly plans = new Map<string, SnapshotPlan>();
  private unlisten: (() => Promise<void>) | undefined;
  /** Set while the server shuts down: live requests answer at once instead of holding. */
  private stopped = false;
  /** Epoch and compaction floor, re-read after a `*` notification (bulk load, compaction). */
  private position: LogPosition | null = null;
  /** The highest committed log position seen, refreshed on every change notification. */
  private head = 0;
  private headRefresh: Promise<void> | null = null;
  private headStale = false;
  /** Log reads in flight, shared by every request that asks the same thing (PCs of one scope). */
  private readonly reads = new Map<string, Promise<LogPage>>();

  constructor(private readonly database: Database) {}

  async start(): Promise<void> {
    this.unlisten = await this.database.listen(CHANGE_CHANNEL, (table) => this.onNotify(table));
    await this.refreshHead();
  }

  private onNotify(table: string) {
    if (table === '*') this.position = null;
    void this.refreshHead().then(() => this.wake(table));
  }

  /** Re-reads the head; a notification arriving during a read triggers one more read after it. */
  private refreshHead(): Promise<void> {
    if (this.headRefresh) {
      this.headStale = true;
      return this.headRefresh;
    }
    this.headRefresh = (async () => {
      do {
        this.headStale = false;
        try {
          this.head = Math.max(this.head, await currentSeq(this.database.query.bind(this.database)));
        } catch {
          // the next notification or request retries
        }
      } while (this.headStale);
      this.headRefresh = null;
    })();
    return this.headRefresh;
  }

  private async logPosition(): Promise<LogPosition> {
    this.position ??= await logPosition(this.database);
    return this.position;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const set of this.waiters.values()) for (const w of set) w();
    this.waiters.clear();
    await this.unlisten?.();
  }

  private wake(table: string) {
    const wakeAll = table === '*';
    for (const [t, set] of this.waiters) {
      if (!wakeAll && t !== table) continue;
      for (const w of set) w();
      set.clear();
    }
  }

  /** Resolves on the next commit touching one of `tables`, or after `ms`. */
  private waitFor(
    tables: string[],
    ms: number,
    signal?: AbortSignal,
  ): { promise: Promise<void>; cancel: () => void } {
    let done!: () => void;
    const promise = new Promise<void>((resolve) => {
      done = resolve;
    });
    const timer = setTimeout(() => done(), ms);
    const cancel = () => {
      clearTimeout(timer);
      for (const t of tables) this.waiters.get(t)?.delete(done);
      done();
    };
    for (const t of tables) {
      let set = this.waiters.get(t);
      if (!set) {
        set = new Set();
        this.waiters.set(t, set);
      }
      set.add(done);
    }
    signal?.addEventListener('abort', cancel, { once: true });
    return { promise: promise.then(cancel), cancel };
  }

  async serve(ws: WorkstationScope, req: ShapeRequest, signal?: AbortSignal): Promise<ShapeAnswer> {
    const table = tableByName(req.table);
    const rule = ruleFor(ws.kind, req.table);
    if (!table || !rule)
      throw new ShapeError(400, 'unknown_shape', `table "${req.table}" is not in this workstation's scope`);
    const offset = parseOffset(req.offset);
    if (!offset) throw new ShapeError(400, 'invalid_offset', 'offset must be -1 or <seq>_<n>');
    const pos = await this.logPosition();
    const scope = scopeHash(scopeKey(ws, req.table));

    if (offset === 'snapshot') return this.snapshotStart(ws, table, rule, scope, pos.epoch);

    const handle = parseHandle(req.handle);
    if (!handle) throw new ShapeError(400, 'invalid_handle', 'a handle is required with this offset');
    const stale =
      handle.scope !== scope ||
      handle.epoch !== pos.epoch ||
      offset.seq < pos.floor ||
      offset.seq < handle.snapshotSeq ||
      (typeof offset.part === 'number' && offset.part > 0 && !this.plans.has(req.handle as string));
    if (stale) return this.mustRefetch(scope, pos.epoch);

    const schema = JSON.stringify(electricSchema(table));
    if (typeof offset.part === 'number' && offset.part > 0) {
      return this.snapshotChunk(
        ws,
        table,
        rule,
        req.handle as string,
        handle.snapshotSeq,
        offset.part,
        schema,
      );
    }
    const deps = (rule.dependsOn ?? []).map((d) => d.table);
    const watched = [table.name, ...deps];
    // Register before reading, so a commit between the read and the wait still wakes us.
    const wait = req.live && !this.stopped ? this.waitFor(watched, LIVE_TIMEOUT_MS, signal) : undefined;
    try {
      // A live request trusts the notified head (a commit not yet notified will wake it); a catch-up
      // request asks the database, so "up to date" is never older than the request.
      const head = wait ? this.head : await currentSeq(this.database.query.bind(this.database));
      let page = await this.sharedRead(ws, table, rule, scope, offset.seq, head);
      if (page.messages.length === 0 && wait) {
        await wait.promise;
        if (signal?.aborted) throw new ShapeError(499, 'aborted', 'client went away');
        // Woken by a notification (head already fresh) or by the timeout: refresh the head anyway,
        // shared by every waiter, so a lost notification delays a change by one poll, not forever.
        await this.refreshHead();
        page = await this.sharedRead(ws, table, rule, scope, offset.seq, this.head);
      }
      const headers: Record<string, string> = {
        'electric-handle': req.handle as string,
        // Nothing past the request's position: echo its offset, so an offset never moves backwards
        // (`S_inf` must not turn into `S_0`).
        'electric-offset': page.lastSeq === offset.seq ? req.offset : `${page.lastSeq}_0`,
      };
      if (req.live) headers['electric-cursor'] = nextCursor(req.cursor);
      else headers['electric-schema'] = schema;
      const messages = [...page.messages];
      if (page.upToDate) {
        headers['electric-up-to-date'] = '';
        messages.push(UP_TO_DATE);
      }
      return { status: 200, headers, body: `[${messages.join(',')}]` };
    } finally {
      wait?.cancel();
    }
  }

  private mustRefetch(scope: string, epoch: number): ShapeAnswer {
    return {
      status: 409,
      headers: { 'electric-handle': `${scope}-${epoch}-0-${randomBytes(4).toString('hex')}` },
      body: '[{"headers":{"control":"must-refetch"}}]',
    };
  }

  private whereSql(ws: WorkstationScope, rule: TableRule, alias: string, firstParam: number) {
    return bindPredicate(rule.where, ws, { r: alias }, firstParam);
  }

  private async snapshotStart(
    ws: WorkstationScope,
    table: AnyTableModel,
    rule: TableRule,
    scope: string,
    epoch: number,
  ): Promise<ShapeAnswer> {
    const where = this.whereSql(ws, rule, 'r', 1);
    const result = await this.database.transaction(
      async (q) => {
        const s = await currentSeq(q);
        // Every SNAPSHOT_CHUNK-th id: chunk k holds ids in (b[k-1], b[k]]. Fixed now, so rows
        // deleted or inserted while the client pages cannot shift a row out of every chunk.
        const boundaries = (
          await q<{ id: string }>(
            `SELECT id::text AS id FROM (SELECT r.id, row_number() OVER (ORDER BY r.id) AS n FROM ${quote(table.name)} r WHERE ${where.sql}) x
             WHERE n % ${SNAPSHOT_CHUNK} = 0 ORDER BY id`,
            where.params,
          )
        ).map((r) => r.id);
        const rows = await this.chunkRows(q, ws, table, rule, null, boundaries[0] ?? null);
        return { s, boundaries, rows };
      },
      { isolation: 'repeatable read' },
    );
    const handle = `${scope}-${epoch}-${result.s}-${randomBytes(4).toString('hex')}`;
    const schema = JSON.stringify(electricSchema(table));
    const last = result.boundaries.length === 0;
    if (!last) {
      this.prunePlans();
      this.plans.set(handle, { boundaries: result.boundaries, createdAt: Date.now() });
    }
    return this.snapshotAnswer(handle, result.s, 1, last, result.rows, schema);
  }

  private async snapshotChunk(
    ws: WorkstationScope,
    table: AnyTableModel,
    rule: TableRule,
    handle: string,
    s: number,
    part: number,
    schema: string,
  ): Promise<ShapeAnswer> {
    const plan = this.plans.get(handle) as SnapshotPlan;
    const lo = plan.boundaries[part - 1] ?? null;
    const hi = plan.boundaries[part] ?? null;
    const rows = await this.database.transaction((q) => this.chunkRows(q, ws, table, rule, lo, hi));
    const last = hi === null;
    if (last) this.plans.delete(handle);
    return this.snapshotAnswer(handle, s, part + 1, last, rows, schema);
  }

  private snapshotAnswer(
    handle: string,
    s: number,
    next: number,
    last: boolean,
    rows: string[],
    schema: string,
  ): ShapeAnswer {
    const headers: Record<string, string> = {
      'electric-handle': handle,
      'electric-offset': last ? `${s}_inf` : `${s}_${next}`,
      'electric-schema': schema,
    };
    if (last) {
      headers['electric-up-to-date'] = '';
      rows.push(UP_TO_DATE);
    }
    return { status: 200, headers, body: `[${rows.join(',')}]` };
  }

  private async chunkRows(
    q: RawQuery,
    ws: WorkstationScope,
    table: AnyTableModel,
    rule: TableRule,
    lo: string | null,
    hi: string | null,
  ): Promise<string[]> {
    const params: unknown[] = [];
    const bounds: string[] = [];
    if (lo) {
      params.push(lo);
      bounds.push(`r.id > $${params.length}::uuid`);
    }
    if (hi) {
      params.push(hi);
      bounds.push(`r.id <= $${params.length}::uuid`);
    }
    const where = this.whereSql(ws, rule, 'r', params.length + 1);
    const rows = await q<{ m: string }>(
      `SELECT ${changeMessageSql(table, 'r', `'insert'`)} AS m FROM ${quote(table.name)} r
       WHERE (${where.sql})${bounds.map((b) => ` AND ${b}`).join('')} ORDER BY r.id`,
      [...params, ...where.params],
    );
    return rows.map((r) => r.m);
  }

  private prunePlans() {
    const cutoff = Date.now() - 30 * 60 * 1000;
    for (const [h, p] of this.plans) if (p.createdAt < cutoff) this.plans.delete(h);
  }

  /**
   * Changes after `afterSeq` visible to this workstation's shape of `table`: the table's own log
   * entries filtered by the rule (entering → insert, leaving → delete), plus rows re-sent because a
   * dependency row started or stopped matching (a patient transferred between wards).
   */
  private sharedRead(
    ws: WorkstationScope,
    table: AnyTableModel,
    rule: TableRule,
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
    rule: TableRule,
    afterSeq: number,
    head: number,
  ): Promise<LogPage> {
    const q: RawQuery = this.database.query.bind(this.database);
    if (head <= afterSeq) return { messages: [], lastSeq: Math.max(head, afterSeq), upToDate: true };
    const t = quote(table.name);
    const nw = this.whereSql(ws, rule, 'n', 4);
    const od = this.whereSql(ws, rule, 'o', 4 + nw.params.length);
    const operation = `CASE WHEN f.old_in THEN 'update' ELSE 'insert' END`;
    const own = await q<{
      seq: string;
      tx_id: string;
      row_id: string;
      new_in: boolean;
      old_in: boolean;
      m: string | null;
    }>(
      `SELECT cl.seq::text AS seq, cl.tx_id::text AS tx_id, cl.row_id::text AS row_id, f.new_in, f.old_in,
           CASE WHEN f.new_in THEN ${changeMessageSql(table, 'n', operation)} END AS m
         FROM change_log cl
         LEFT JOIN LATERAL jsonb_populate_record(NULL::${t}, cl.new_row) n ON true
         LEFT JOIN LATERAL jsonb_populate_record(NULL::${t}, cl.old_row) o ON true
         CROSS JOIN LATERAL (SELECT
           (cl.new_row IS NOT NULL AND coalesce((${nw.sql}), false)) AS new_in,
           (cl.old_row IS NOT NULL AND coalesce((${od.sql}), false)) AS old_in) f
         WHERE cl.table_name = $1 AND cl.seq > $2 AND cl.seq <= $3
         ORDER BY cl.seq LIMIT ${LOG_BATCH + 1}`,
      [table.name, afterSeq, head, ...nw.params, ...od.params],
    );
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
      const dq = quote(dep.table);
      const whenNew = bindPredicate(dep.when, ws, { d: 'dn' }, 4);
      const whenOld = bindPredicate(dep.when, ws, { d: 'do_' }, 4 + whenNew.params.length);
      const inScope = this.whereSql(ws, rule, 'r', 4 + whenNew.params.length + whenOld.params.length);
      const moved = await q<{ seq: string; in_scope: boolean; row_id: string; m: string }>(
        `SELECT cl.seq::text AS seq, coalesce((${inScope.sql}), false) AS in_scope, r.id::text AS row_id,
             ${changeMessageSql(table, 'r', `'insert'`)} AS m
           FROM change_log cl
           LEFT JOIN LATERAL jsonb_populate_record(NULL::${dq}, cl.new_row) dn ON true
           LEFT JOIN LATERAL jsonb_populate_record(NULL::${dq}, cl.old_row) do_ ON true
           JOIN ${t} r ON r.${quote(dep.column)} = coalesce(dn.${quote(dep.via)}, do_.${quote(dep.via)})
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
    return { messages: out.map((o) => o.m), lastSeq, upToDate };
  }
}

interface LogPage {
  messages: string[];
  lastSeq: number;
  upToDate: boolean;
}

export class ShapeError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
