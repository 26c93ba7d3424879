/**
 * Held long-polls and what wakes them. One LISTEN on the change channel keeps the log head (the
 * highest committed position) fresh and wakes the live requests watching the notified table. A `*`
 * notification (bulk load, compaction, a workstation re-scoped or revoked) wakes them all and makes
 * the epoch and floor be read again.
 */
import type { Database } from '../../platform/database.ts';
import { CHANGE_CHANNEL } from '../../platform/triggers.ts';
import { currentSeq, type LogPosition, logPosition } from '../change-log.ts';
import { forgetWorkstationTokens } from '../workstations/device-auth.ts';

/** Why a held request woke. */
export type Wake = 'change' | 'everything' | 'timeout';

export class LongPoll {
  /** Live requests waiting for a commit, by table name. */
  private readonly waiters = new Map<string, Set<(why: Wake) => void>>();
  private unlisten: (() => Promise<void>) | undefined;
  /** Set while the server shuts down: live requests answer at once instead of holding. */
  private stopping = false;
  /** Epoch and compaction floor, re-read after a `*` notification (bulk load, compaction). */
  private position: LogPosition | null = null;
  /** The highest committed log position seen, refreshed on every change notification. */
  private seenHead = 0;
  private headRefresh: Promise<void> | null = null;
  private headStale = false;
  /** When the head was last read from the database (ms). */
  private headReadAt = 0;

  constructor(private readonly database: Database) {}

  async start(): Promise<void> {
    this.unlisten = await this.database.listen(CHANGE_CHANNEL, (table) => this.onNotify(table));
    await this.refreshHead();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const set of this.waiters.values()) for (const w of set) w('everything');
    this.waiters.clear();
    await this.unlisten?.();
  }

  /** Whether a live request may still be held (not while the server shuts down). */
  get holding(): boolean {
    return !this.stopping;
  }

  /** The highest committed log position notified so far. */
  get head(): number {
    return this.seenHead;
  }

  async logPosition(): Promise<LogPosition> {
    this.position ??= await logPosition(this.database);
    return this.position;
  }

  private onNotify(table: string) {
    if (table === '*') {
      this.position = null;
      // A workstation revoked or re-scoped, perhaps through another server instance: its cached
      // token must not outlive the change here either.
      forgetWorkstationTokens();
    }
    void this.refreshHead().then(() => this.wake(table));
  }

  /** Re-reads the head; a notification arriving during a read triggers one more read after it. */
  refreshHead(): Promise<void> {
    if (this.headRefresh) {
      this.headStale = true;
      return this.headRefresh;
    }
    this.headRefresh = (async () => {
      do {
        this.headStale = false;
        try {
          this.seenHead = Math.max(this.seenHead, await currentSeq(this.database.query.bind(this.database)));
          this.headReadAt = Date.now();
        } catch {
          // the next notification or request retries
        }
      } while (this.headStale);
      this.headRefresh = null;
    })();
    return this.headRefresh;
  }

  /**
   * Re-reads the head unless it was read less than `maxAgeMs` ago. Polls time out every second or
   * so on a busy server (each PC holds dozens of shapes), and each reading the head again would be a
   * query apiece for nothing: a head at most `maxAgeMs` old does the same job.
   */
  refreshHeadIfOlder(maxAgeMs: number): Promise<void> {
    if (Date.now() - this.headReadAt < maxAgeMs) return Promise.resolve();
    // A read under way started after these polls began waiting: fresh enough, no second one.
    return this.headRefresh ?? this.refreshHead();
  }

  private wake(table: string) {
    const wakeAll = table === '*';
    for (const [t, set] of this.waiters) {
      if (!wakeAll && t !== table) continue;
      for (const w of set) w(wakeAll ? 'everything' : 'change');
      set.clear();
    }
  }

  /**
   * Resolves on the next commit touching one of `tables` (`change`: the head is fresh, read at the
   * notification), on a `*` notification or shutdown (`everything`: scopes, epoch or floor may have
   * moved), or after `ms` or on cancel (`timeout`).
   */
  waitFor(
    tables: string[],
    ms: number,
    signal?: AbortSignal,
  ): { promise: Promise<Wake>; cancel: () => void } {
    let settle!: (why: Wake) => void;
    const promise = new Promise<Wake>((resolve) => {
      settle = resolve;
    });
    const done = (why: Wake) => settle(why);
    const timer = setTimeout(() => settle('timeout'), ms);
    const cancel = () => {
      clearTimeout(timer);
      for (const t of tables) this.waiters.get(t)?.delete(done);
      settle('timeout');
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
    return {
      promise: promise.then((why) => {
        cancel();
        return why;
      }),
      cancel,
    };
  }
}
