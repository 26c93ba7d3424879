/**
 * Read path: one `@electric-sql/client` ShapeStream per table of the workstation's scope, resumed
 * from the handle/offset stored in SQLite. Each delivered batch goes through `ShapeApplier` (one
 * transaction with its position). A batch that fails to apply restarts the stream from the stored
 * position, so no batch is ever skipped. The subscribe callback never throws (the client would
 * re-throw it in a microtask, uncaught).
 */
import { FetchError, type Offset, ShapeStream, type ShapeStreamOptions } from '@electric-sql/client';
import type Database from 'better-sqlite3';
import { quoteIdent } from '../../../db/primitives/index.ts';
import type { Logger } from '../logger.ts';
import type { Outbox } from '../store/outbox.ts';
import type { StorageHealth } from '../store/storage-fault.ts';
import { syncedTableInfo } from '../store/tables.ts';
import { type FetchLike, withShapeTimeouts } from './fetch.ts';
import { ShapeApplier, type ShapeMessage } from './shape-apply.ts';

/** LAN back-off: reconnect within seconds, not the client's 32 s default ceiling. */
export const SHAPE_BACKOFF = { initialDelay: 100, maxDelay: 3_000, multiplier: 1.6 } as const;
/**
 * A stream that failed (apply error, server error) starts again after a growing, jittered delay: a
 * flat 2 s had every stream of every PC retry in step, and a table that cannot be stored (full disk,
 * damaged page) retried for ever at the same pace.
 */
export const SHAPE_RESTART_BACKOFF = { initialDelay: 1_000, maxDelay: 30_000 } as const;

/** The delay before restart number `failures` (1 = the first), jittered over its upper half. */
export function restartDelay(failures: number, random: () => number = Math.random): number {
  const { initialDelay, maxDelay } = SHAPE_RESTART_BACKOFF;
  const base = Math.min(maxDelay, initialDelay * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.5 + random() * 0.5));
}
/**
 * Tables taking their first snapshot at the same time. Each snapshot chunk is parsed whole in memory
 * (10,000 rows); with every table of a scope snapshotting at once, a first start peaked at ~670 MB
 * and kept ~360 MB resident afterwards (bench (e)); two at a time kept ~250 MB and synced faster
 * (less contention for the one thread). A table that has caught up once never waits.
 */
export const CONCURRENT_SNAPSHOTS = 2;

/** A counting gate: `acquire` resolves when a slot is free; a waiter can be withdrawn. */
export class SlotGate {
  private free: number;
  private readonly queue: (() => void)[] = [];

  constructor(slots: number) {
    this.free = slots;
  }

  acquire(onSlot: () => void): () => void {
    if (this.free > 0) {
      this.free--;
      onSlot();
      return () => {};
    }
    this.queue.push(onSlot);
    return () => {
      const i = this.queue.indexOf(onSlot);
      if (i >= 0) this.queue.splice(i, 1);
    };
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free++;
  }
}

const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Parses shape values straight into their SQLite storage form: int8 → number (kept as text when
 * not a safe integer), bool → 0/1, json(b) → JSON text unchanged, timestamptz → ISO `…Z`.
 */
export const sqliteParser: NonNullable<ShapeStreamOptions['parser']> = {
  int8: (v: string) => {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  },
  bool: (v: string) => (v === 't' || v === 'true' || (v as unknown) === true ? 1 : 0),
  json: (v: string) => (typeof v === 'string' ? v : JSON.stringify(v)),
  jsonb: (v: string) => (typeof v === 'string' ? v : JSON.stringify(v)),
  timestamptz: (v: string) => {
    // Our server sends ISO-8601 `…Z` (24 characters): the common case costs one length check.
    if (typeof v !== 'string' || (v.length === 24 && v.charCodeAt(23) === 90) || ISO_Z.test(v)) return v;
    const ms = Date.parse(v.includes('T') ? v : v.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
    return Number.isFinite(ms) ? new Date(ms).toISOString() : v;
  },
};

export type ShapeEvent =
  | { type: 'batch'; table: string; changed: boolean; upToDate: boolean }
  | { type: 'online' }
  | { type: 'offline' }
  | { type: 'revoked' }
  | { type: 'error'; table: string; message: string };

export interface ShapeSyncOptions {
  sqlite: Database.Database;
  outbox: Outbox;
  /** Full URL of the shape endpoint, e.g. `http://server:8080/v1/shape`. */
  url: string;
  token: string;
  fetch?: FetchLike;
  onEvent: (e: ShapeEvent) => void;
  log?: Logger;
  /** Where a batch that cannot be stored (a full or damaged disk) is reported, and a stored one. */
  storage?: StorageHealth;
  /** The newest server time among the rows of a stored batch (the PC's clock observes it). */
  onSeen?: (updatedAt: string) => void;
}

class TableStream {
  readonly applier: ShapeApplier;
  private stream: ShapeStream | null = null;
  private abort: AbortController | null = null;
  private generation = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private waiters: (() => void)[] = [];
  /** `held`: this stream is taking its first snapshot under a slot of the gate until up to date. */
  private slot: 'none' | 'waiting' | 'held' = 'none';
  private withdraw: () => void = () => {};
  /** Restarts since the stream last stored a batch: the next restart waits longer. */
  private failures = 0;
  /** Rows of the table this PC holds while its first download runs (null before and after). */
  firstDownloadRows: number | null = null;

  constructor(
    readonly table: string,
    private readonly sync: ShapeSync,
    private readonly opts: ShapeSyncOptions,
    private readonly gate: SlotGate,
  ) {
    const info = syncedTableInfo(table);
    if (!info) throw new Error(`"${table}" is not a synced table of this build`);
    this.applier = new ShapeApplier(opts.sqlite, info, opts.outbox);
  }

  start() {
    if (this.stopped || this.slot === 'waiting') return;
    let pos: ReturnType<ShapeApplier['loadPosition']>;
    try {
      pos = this.applier.loadPosition();
    } catch (e) {
      // Runs from a timer: a damaged page must not end the process; report and try later.
      this.failed(this.generation, e);
      return;
    }
    if (pos.upToDateAt === null && this.firstDownloadRows === null) {
      // Counted once (a download cut short by a restart resumes from what is stored), then kept
      // up to date by the batches.
      this.firstDownloadRows = (
        this.opts.sqlite.prepare(`SELECT count(*) AS n FROM ${quoteIdent(this.table)}`).get() as { n: number }
      ).n;
    }
    if (pos.upToDateAt === null && this.slot === 'none') {
      this.slot = 'waiting';
      this.withdraw = this.gate.acquire(() => {
        this.slot = 'held';
        this.start();
      });
      return;
    }
    const gen = ++this.generation;
    this.abort = new AbortController();
    const resume = pos.handle && pos.offset ? { handle: pos.handle, offset: pos.offset as Offset } : {};
    const stream = new ShapeStream({
      url: this.opts.url,
      params: { table: this.table },
      headers: { Authorization: `Bearer ${this.opts.token}` },
      ...resume,
      signal: this.abort.signal,
      parser: sqliteParser,
      fetchClient: withShapeTimeouts(this.opts.fetch ?? fetch),
      // Connectivity is judged by the workstation's heartbeat and uploads, not by failed attempts
      // (our own forceDisconnectAndRefresh aborts count as failed attempts).
      backoffOptions: { ...SHAPE_BACKOFF },
      onError: (err) => {
        this.onStreamError(gen, err);
        return undefined;
      },
    });
    this.stream = stream;
    stream.subscribe(
      (messages) => this.onMessages(gen, stream, messages as unknown as ShapeMessage[]),
      () => {},
    );
  }

  private onMessages(gen: number, stream: ShapeStream, messages: readonly ShapeMessage[]) {
    if (gen !== this.generation || this.stopped) return;
    try {
      const r = this.applier.apply(messages, stream.shapeHandle ?? null, stream.lastOffset ?? null);
      if (r.changed || r.upToDate) {
        this.failures = 0;
        this.opts.storage?.wrote();
      }
      if (r.latestUpdatedAt) this.opts.onSeen?.(r.latestUpdatedAt);
      if (this.firstDownloadRows !== null)
        this.firstDownloadRows = r.upToDate
          ? null
          : this.firstDownloadRows +
            messages.filter((m) => (m.headers as Record<string, unknown>).operation === 'insert').length;
      this.sync.emit({ type: 'online' });
      this.sync.emit({ type: 'batch', table: this.table, changed: r.changed, upToDate: r.upToDate });
      if (r.upToDate) {
        this.releaseSlot();
        const w = this.waiters;
        this.waiters = [];
        for (const f of w) f();
      }
    } catch (e) {
      // Nothing of the batch was stored: start over from the stored position.
      this.failed(gen, e);
    }
  }

  private failed(gen: number, e: unknown) {
    const fault = this.opts.storage?.report(e);
    const message = fault?.message ?? (e instanceof Error ? e.message : String(e));
    this.opts.log?.warn('apply failed, restarting from the stored position', {
      table: this.table,
      storage: fault?.kind ?? null,
      error: fault ? fault.kind : message,
    });
    this.sync.emit({ type: 'error', table: this.table, message });
    this.restart(gen);
  }

  private onStreamError(gen: number, err: unknown) {
    if (gen !== this.generation || this.stopped) return;
    if (err instanceof FetchError && err.status === 401) {
      this.sync.emit({ type: 'revoked' });
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    this.opts.log?.info('stream failed; retrying', {
      table: this.table,
      status: err instanceof FetchError ? err.status : null,
    });
    this.sync.emit({ type: 'error', table: this.table, message });
    this.restart(gen);
  }

  private restart(gen: number) {
    if (gen !== this.generation || this.stopped) return;
    // A table whose snapshot keeps failing must not hold back the others: it queues again.
    this.releaseSlot();
    this.teardown();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(
      () => {
        this.restartTimer = null;
        this.start();
      },
      restartDelay(++this.failures),
    );
  }

  private teardown() {
    this.generation++;
    this.stream?.unsubscribeAll();
    this.abort?.abort();
    this.stream = null;
    this.abort = null;
  }

  private releaseSlot() {
    if (this.slot === 'held') this.gate.release();
    else if (this.slot === 'waiting') this.withdraw();
    this.slot = 'none';
  }

  stop() {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.releaseSlot();
    this.teardown();
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /**
   * Makes the stream catch up now (after a reconnect, or for `drain`). A live stream has its pending
   * long-poll ended; one still reading (a snapshot, a catch-up) is restarted from its stored position,
   * because its request may have gone into the dead connection and the client only ends long-polls.
   */
  async refresh(): Promise<void> {
    if (this.stopped) return;
    if (this.stream && !this.stream.isUpToDate) {
      this.teardown();
      this.start();
      return;
    }
    if (!this.stream && this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
      this.start();
      return;
    }
    try {
      await this.stream?.forceDisconnectAndRefresh();
    } catch {
      // a failed refresh is retried by the stream itself
    }
  }

  /** Resolves at the next up-to-date after now. */
  nextUpToDate(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  isUpToDate(): boolean {
    return this.stream?.isUpToDate ?? false;
  }
}

export class ShapeSync {
  private readonly streams = new Map<string, TableStream>();
  private readonly snapshots = new SlotGate(CONCURRENT_SNAPSHOTS);

  constructor(private readonly opts: ShapeSyncOptions) {}

  emit(e: ShapeEvent) {
    try {
      this.opts.onEvent(e);
    } catch {
      // listeners never break the stream
    }
  }

  /** Subscribes to exactly `tables` (tables unknown to this build are reported and skipped). */
  setTables(tables: readonly string[]): string[] {
    const wanted = new Set<string>();
    const unknown: string[] = [];
    for (const t of tables) {
      if (syncedTableInfo(t)) wanted.add(t);
      else unknown.push(t);
    }
    for (const [t, s] of this.streams) {
      if (!wanted.has(t)) {
        s.stop();
        this.streams.delete(t);
        s.applier.forget();
        this.emit({ type: 'batch', table: t, changed: true, upToDate: false });
      }
    }
    for (const t of wanted) {
      if (!this.streams.has(t)) {
        const s = new TableStream(t, this, this.opts, this.snapshots);
        this.streams.set(t, s);
        s.start();
      }
    }
    return unknown;
  }

  tables(): string[] {
    return [...this.streams.keys()];
  }

  /** Rows held so far of each table whose first download is under way. */
  firstDownloadRows(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [t, s] of this.streams) if (s.firstDownloadRows !== null) out.set(t, s.firstDownloadRows);
    return out;
  }

  /** Makes every stream catch up now; resolves when each has delivered an up-to-date since the call. */
  async catchUp(): Promise<void> {
    await Promise.all(
      [...this.streams.values()].map(async (s) => {
        const next = s.nextUpToDate();
        // `refresh` resolves once a catch-up request has been applied; if the stream is then up to
        // date we are done, else wait for its next up-to-date.
        await s.refresh();
        if (s.isUpToDate()) return;
        await next;
      }),
    );
  }

  /** Nudges every stream (e.g. when connectivity returns). */
  refreshAll(): void {
    for (const s of this.streams.values()) void s.refresh();
  }

  stop(): void {
    for (const s of this.streams.values()) s.stop();
    this.streams.clear();
  }
}
