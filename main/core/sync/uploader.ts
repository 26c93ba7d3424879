/**
 * Write path: drains the outbox to `POST /api/sync/mutations` in seq order, in batches of whole
 * units of work, with the authors' grants. One pass at a time, with up to eight batches of it on
 * the wire (the server keeps their order); kicked (debounced) after
 * each local write and periodically; retried with jittered back-off suited to a LAN; every request
 * has a timeout so a blackholed network is noticed. A retried batch is harmless: the server dedups
 * by mutation id. A unit the server quarantined is reverted here as a whole, last write first.
 */
import type Database from 'better-sqlite3';
import { quoteIdent, type Row } from '../../../db/primitives/index.ts';
import {
  errorBodyOf,
  type Mutation,
  type MutationBatch,
  type MutationResult,
  MutationResultsSchema,
  SYNC_SCHEMA_VERSION,
} from '../../../db/sync-contract.ts';
import type { Logger } from '../logger.ts';
import type { FieldChange, Outbox, OutboxEntry } from '../store/outbox.ts';
import type { StorageHealth } from '../store/storage-fault.ts';
import { syncedTableInfo, toSqlite } from '../store/tables.ts';
import type { FetchLike } from './fetch.ts';

export type UploaderEvent =
  | { type: 'online' }
  | { type: 'offline'; message: string }
  | { type: 'revoked' }
  | { type: 'update_required' }
  | { type: 'acked'; count: number; tables: string[]; reverted: string[] }
  | { type: 'error'; message: string };

export interface UploaderOptions {
  sqlite: Database.Database;
  /** The outbox this uploader drains (and whose server rows it puts back once a row's writes are answered). */
  outbox: Outbox;
  server: string;
  token: string;
  fetch?: FetchLike;
  onEvent: (e: UploaderEvent) => void;
  log?: Logger;
  batchSize?: number;
  timeoutMs?: number;
  periodMs?: number;
  /** Where a SQLite error of a pass is reported (a full or damaged disk): the pass retries later. */
  storage?: StorageHealth;
}

export const UPLOAD_BACKOFF = { initialDelay: 250, maxDelay: 3_000 } as const;
/**
 * An upload starts on the next turn of the event loop after a write: an operation's rows commit
 * together (a unit of work), so waiting longer only delays them (15 ms here was a third of the
 * write → visible time of bench (b)); writes made while an upload is in flight go with the next one.
 */
const DEBOUNCE_MS = 0;
/** Applied and merged entries are kept a day (diagnostics), then pruned; refused ones stay. */
const KEEP_ACKED_MS = 86_400_000;

/**
 * Batches on the wire at once from one PC: enough to cover a slow link's round trip (at 300 ms each
 * way, eight batches of 200 keep the server busy), few enough that a refused head wastes little.
 */
const PIPELINE_DEPTH = 8;

/** A pooled connection found reset or closed when a request was written to it. */
function isStaleConnection(e: unknown): boolean {
  const cause = (e as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' && ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(cause.code);
}

/** What came back for one batch: no answer at all, or an HTTP answer (its body, if readable). */
type Answer =
  | { kind: 'network'; message: string }
  | { kind: 'http'; status: number; body: unknown; unreadable: string | null };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function toMutation(e: OutboxEntry): Mutation {
  const payload = JSON.parse(e.payload) as Record<string, unknown>;
  const m: Mutation = {
    id: e.id,
    tx_id: e.tx_id,
    table: e.table_name,
    row_id: e.row_id,
    op: e.operation,
    author_id: e.author_id,
    hlc: e.hlc,
    device_time: e.device_time,
  };
  if (e.operation === 'insert') m.data = payload as Mutation['data'];
  if (e.operation === 'update') m.changes = payload as Mutation['changes'];
  if (e.operation !== 'insert' && typeof e.base_version === 'number' && e.base_version > 0)
    m.base_version = e.base_version;
  return m;
}

export class Uploader {
  private readonly o: Required<Omit<UploaderOptions, 'fetch' | 'log' | 'storage'>> &
    Pick<UploaderOptions, 'fetch' | 'log' | 'storage'>;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private debounce: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private periodic: NodeJS.Timeout | null = null;
  private attempt = 0;
  private batchSize: number;
  private lastPrune = 0;
  blocked: 'revoked' | 'update_required' | null = null;
  private lastError: string | null = null;
  private readonly grantStmt: Database.Statement<[string], { grant: string }>;

  constructor(opts: UploaderOptions) {
    this.o = {
      batchSize: 200,
      timeoutMs: 10_000,
      periodMs: 5_000,
      ...opts,
    };
    this.batchSize = this.o.batchSize;
    this.grantStmt = opts.sqlite.prepare('SELECT "grant" FROM offline_users WHERE user_id = ?');
  }

  start(): void {
    this.periodic = setInterval(() => this.kick(0), this.o.periodMs);
    this.periodic.unref?.();
    this.kick(0);
  }

  /** Schedules an upload soon (debounced); a no-op while blocked or stopped. */
  kick(delay = DEBOUNCE_MS): void {
    if (this.stopped || this.blocked) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.debounce) return;
    // A back-off retry is scheduled: it takes everything written meanwhile (a write must not turn
    // each failure into a new request; `nudge` resets the back-off when the network returns).
    if (this.retryTimer) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void this.runNow();
    }, delay);
  }

  /** Uploads now (awaits an upload in flight first). Resolves when the pass ends. */
  async runNow(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.running = this.pass().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick(0);
      }
    });
    return this.running;
  }

  /** Resets the back-off and uploads at once (connectivity came back). */
  nudge(): void {
    this.attempt = 0;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.kick(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [this.debounce, this.retryTimer]) if (t) clearTimeout(t);
    if (this.periodic) clearInterval(this.periodic);
    this.debounce = this.retryTimer = this.periodic = null;
    await this.running;
  }

  private emit(e: UploaderEvent) {
    try {
      this.o.onEvent(e);
    } catch {
      // listeners never break the uploader
    }
  }

  /**
   * One pass over the outbox. Runs from timers, so it never throws: a SQLite error (a full disk while
   * recording the answers, a damaged outbox page) is reported and the pass is retried with back-off;
   * the server dedups whatever it had already applied.
   */
  private async pass(): Promise<void> {
    try {
      this.maybePrune();
      while (!this.stopped && !this.blocked) {
        const outcome = await this.pipeline();
        if (outcome === 'drained' || outcome === 'stop') return;
        if (outcome === 'retry') {
          this.scheduleRetry();
          return;
        }
        // 'again': the batch size changed or a batch came before its predecessor: from the head.
      }
    } catch (e) {
      const fault = this.o.storage?.report(e);
      this.lastError = fault?.message ?? `upload stopped: ${e instanceof Error ? e.message : String(e)}`;
      this.o.log?.error('upload pass failed', { storage: fault?.kind ?? null });
      this.emit({ type: 'error', message: this.lastError });
      this.scheduleRetry();
    }
  }

  private scheduleRetry() {
    if (this.stopped || this.blocked) return;
    const base = Math.min(UPLOAD_BACKOFF.maxDelay, UPLOAD_BACKOFF.initialDelay * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 10);
    const delay = Math.round(base * (0.5 + Math.random() * 0.5));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.runNow();
    }, delay);
  }

  /**
   * Sends batches back to back, up to PIPELINE_DEPTH on the wire, so a backlog's rate is bound by
   * the server rather than by round trips; each batch names the last mutation of the one before it
   * (`after`) and the server applies it only once that one is applied, so the order is the outbox's.
   * Answers are settled in order; a head that fails ends the pipeline.
   */
  private async pipeline(): Promise<'drained' | 'again' | 'retry' | 'stop'> {
    const abandon = new AbortController();
    const onWire: { entries: OutboxEntry[]; answer: Promise<Answer> }[] = [];
    let lastSeq = 0;
    try {
      for (;;) {
        while (onWire.length < PIPELINE_DEPTH && !this.stopped && !this.blocked) {
          const entries = this.o.outbox.nextBatch(this.batchSize, lastSeq);
          if (entries.length === 0) break;
          const mutations = this.mutationsOf(entries);
          if (!mutations) {
            if (onWire.length === 0) return 'retry';
            break;
          }
          lastSeq = (entries[entries.length - 1] as OutboxEntry).seq;
          const after = onWire.at(-1)?.entries.at(-1)?.id;
          onWire.push({ entries, answer: this.send(entries, mutations, after, abandon.signal) });
        }
        const head = onWire.shift();
        if (!head) return 'drained';
        const outcome = this.settle(head.entries, await head.answer);
        if (outcome !== 'continue') return outcome;
      }
    } finally {
      // What is still on the wire behind a failed head is abandoned: its entries stay pending and go
      // again (the server dedups a re-sent mutation; a batch waiting for its predecessor stops when
      // its client hangs up).
      abandon.abort();
      await Promise.allSettled(onWire.map((f) => f.answer));
    }
  }

  /** The entries as mutations; null (reported) when one cannot be read. */
  private mutationsOf(entries: readonly OutboxEntry[]): Mutation[] | null {
    const mutations: Mutation[] = [];
    for (const e of entries) {
      try {
        mutations.push(toMutation(e));
      } catch {
        // An unreadable payload cannot happen through `Writes`; leave it pending and report.
        this.lastError = `outbox entry ${e.seq} has an unreadable payload`;
        this.emit({ type: 'error', message: this.lastError });
        return null;
      }
    }
    return mutations;
  }

  /** One batch on the wire; never throws (a network failure is an answer too). */
  private async send(
    entries: readonly OutboxEntry[],
    mutations: Mutation[],
    after: string | undefined,
    abandon: AbortSignal,
  ): Promise<Answer> {
    const batch: MutationBatch = {
      schema_version: SYNC_SCHEMA_VERSION,
      grants: this.grants(entries),
      mutations,
      ...(after ? { after } : {}),
    };
    const body = JSON.stringify(batch);
    const post = () =>
      (this.o.fetch ?? fetch)(`${this.o.server}/api/sync/mutations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.o.token}` },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), abandon]),
      });
    let res: Response;
    try {
      res = await post().catch((e: unknown) => {
        // A connection kept from before the network went away is found dead on first use. The batch
        // goes again at once on a fresh one (the server applies a mutation once, should the first
        // have reached it), instead of waiting out a back-off as if the server were unreachable.
        if (isStaleConnection(e) && !abandon.aborted) return post();
        throw e;
      });
    } catch (e) {
      return { kind: 'network', message: e instanceof Error ? e.message : String(e) };
    }
    try {
      const text = await res.text();
      return {
        kind: 'http',
        status: res.status,
        body: text ? (JSON.parse(text) as unknown) : null,
        unreadable: null,
      };
    } catch (e) {
      return {
        kind: 'http',
        status: res.status,
        body: null,
        unreadable: e instanceof Error ? e.message : String(e),
      };
    }
  }

  /** What a batch's answer means for the outbox and for the pipeline. */
  private settle(entries: OutboxEntry[], answer: Answer): 'continue' | 'again' | 'retry' | 'stop' {
    if (answer.kind === 'network') {
      this.lastError = `upload failed: ${answer.message}`;
      this.emit({ type: 'offline', message: this.lastError });
      return 'retry';
    }
    const { status, body } = answer;
    if (answer.unreadable && status >= 200 && status < 300) {
      this.lastError = `upload answer unreadable: ${answer.unreadable}`;
      this.emit({ type: 'offline', message: this.lastError });
      return 'retry';
    }
    const errCode = errorBodyOf(body)?.error;
    if (status === 401) {
      this.blocked = 'revoked';
      this.emit({ type: 'revoked' });
      return 'stop';
    }
    if (status === 409 && errCode === 'schema_version') {
      this.blocked = 'update_required';
      this.emit({ type: 'update_required' });
      return 'stop';
    }
    // Its predecessor never arrived (its request was lost): start again from the head.
    if (status === 409 && errCode === 'out_of_order') return 'again';
    if (status === 413 && this.batchSize > 1) {
      this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
      return 'again';
    }
    if (status < 200 || status >= 300) {
      this.emit({ type: 'online' });
      this.lastError = `upload refused: HTTP ${status}${errCode ? ` (${String(errCode)})` : ''}`;
      this.o.log?.warn('upload refused', { status, error: String(errCode ?? '') });
      this.emit({ type: 'error', message: this.lastError });
      // A 400 names no mutation: smaller batches isolate the one the server will not take.
      if (status === 400 && this.batchSize > 1) this.batchSize = Math.max(1, Math.floor(this.batchSize / 4));
      return 'retry';
    }
    const parsed = MutationResultsSchema.safeParse(body);
    if (!parsed.success) {
      this.lastError = 'upload answer does not match the contract';
      this.emit({ type: 'error', message: this.lastError });
      return 'retry';
    }
    this.emit({ type: 'online' });
    const acked = this.applyResults(entries, parsed.data.results);
    this.o.storage?.wrote();
    if (acked.count === 0) {
      this.lastError = 'the server acknowledged none of the uploaded mutations';
      this.emit({ type: 'error', message: this.lastError });
      return 'retry';
    }
    this.attempt = 0;
    this.lastError = null;
    this.batchSize = Math.min(this.o.batchSize, this.batchSize * 2);
    this.emit({ type: 'acked', ...acked });
    // Writes the answer left out stay pending: the batches behind were cut after them, so go again
    // from the oldest.
    return acked.count < entries.length ? 'again' : 'continue';
  }

  private grants(entries: readonly OutboxEntry[]): Record<string, string> {
    const authors = [...new Set(entries.map((e) => e.author_id))];
    const out: Record<string, string> = {};
    for (const a of authors) {
      const g = this.grantStmt.get(a)?.grant;
      if (g && g.length >= 16 && UUID_RE.test(a)) out[a] = g;
    }
    return out;
  }

  private applyResults(
    entries: readonly OutboxEntry[],
    results: readonly MutationResult[],
  ): { count: number; tables: string[]; reverted: string[] } {
    const byId = new Map(entries.map((e) => [e.id, e]));
    const tables = new Set<string>();
    const reverted = new Set<string>();
    let count = 0;
    const touchedRows = new Map<string, { e: OutboxEntry; need: number }>();
    const quarantined: OutboxEntry[] = [];
    const now = new Date().toISOString();
    const outbox = this.o.outbox;
    this.o.sqlite.transaction(() => {
      for (const r of results) {
        const e = byId.get(r.id);
        if (!e) continue;
        const reason = r.reason ?? (r.conflict_ids?.length ? `conflicts: ${r.conflict_ids.join(',')}` : null);
        if (!outbox.markAcked(r.id, r.outcome, reason, now)) continue;
        count++;
        tables.add(e.table_name);
        if (r.outcome === 'quarantined') quarantined.push(e);
        // The server row must already include this write's effect to be put back (a quarantined
        // write changed nothing there: any delivered row will do).
        const need = r.outcome === 'quarantined' ? 0 : (r.version ?? Number.POSITIVE_INFINITY);
        const k = `${e.table_name}\u0000${e.row_id}`;
        const prev = touchedRows.get(k);
        touchedRows.set(k, { e, need: Math.max(prev?.need ?? 0, need) });
      }
      // A unit is refused whole: undo its writes last first, so each sees the row as it left it.
      quarantined.sort((a, b) => b.seq - a.seq);
      for (const e of quarantined) if (this.revertQuarantined(e)) reverted.add(e.table_name);
      for (const { e, need } of touchedRows.values()) {
        if (outbox.hasPendingForRow(e.table_name, e.row_id)) continue;
        const info = syncedTableInfo(e.table_name);
        if (info && outbox.restoreServerRow(info, e.row_id, need)) reverted.add(e.table_name);
      }
    })();
    return { count, tables: [...tables], reverted: [...reverted] };
  }

  /**
   * The server kept a quarantined mutation aside without changing the row: undo it locally so the
   * replica matches the server (the mutation itself stays in the outbox history and on the server).
   * Only when no other local write of the row is still pending.
   */
  private revertQuarantined(e: OutboxEntry): boolean {
    const info = syncedTableInfo(e.table_name);
    if (!info) return false;
    if (this.o.outbox.hasPendingForRow(e.table_name, e.row_id)) return false;
    const db = this.o.sqlite;
    const t = quoteIdent(info.name);
    const payload = JSON.parse(e.payload) as Record<string, unknown>;
    if (e.operation === 'insert') {
      const row = db.prepare(`SELECT "version" FROM ${t} WHERE "id" = ?`).get(e.row_id) as Row | undefined;
      // A row the server has since delivered (version bumped) is the server's now.
      if (row?.version !== 1) return false;
      return db.prepare(`DELETE FROM ${t} WHERE "id" = ?`).run(e.row_id).changes > 0;
    }
    if (e.operation === 'delete') {
      return (
        db
          .prepare(`UPDATE ${t} SET "deleted_at" = NULL WHERE "id" = ? AND "deleted_at" = ?`)
          .run(e.row_id, String(payload.deleted_at ?? '')).changes > 0
      );
    }
    let changed = false;
    for (const [col, ch] of Object.entries(payload as Record<string, FieldChange>)) {
      const meta = info.columns.get(col);
      if (!meta) continue;
      const r = db
        .prepare(`UPDATE ${t} SET ${quoteIdent(col)} = ? WHERE "id" = ? AND ${quoteIdent(col)} IS ?`)
        .run(toSqlite(meta, ch.base), e.row_id, toSqlite(meta, ch.value));
      if (r.changes > 0) changed = true;
    }
    return changed;
  }

  private maybePrune() {
    const now = Date.now();
    if (now - this.lastPrune < 3_600_000) return;
    this.lastPrune = now;
    try {
      this.o.outbox.prune(new Date(now - KEEP_ACKED_MS).toISOString());
    } catch {
      // pruning is housekeeping; try again next hour
    }
  }
}
