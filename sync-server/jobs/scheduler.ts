/**
 * A small runner for the server's periodic jobs. Each job has a name, a schedule (node-cron) and a
 * lock key from `platform/locks.ts`.
 *
 * Several server instances may share one Postgres, and a job must run in one of them at a time: a
 * run opens a transaction, takes the job's lock with `pg_try_advisory_xact_lock`, and skips when
 * another instance holds it. The job runs inside that transaction, so the lock lasts exactly as
 * long as the run and a crashed instance cannot keep it. (On the embedded PGlite, which has one
 * connection, the job's transaction holds that connection: it is also why the job gets the
 * transaction — as raw queries and as drizzle — and must never use the database itself, which would
 * wait for that very transaction.) A run still going when the next one is due is skipped in this
 * process too. Runs, skips, failures and durations go to the job's logger.
 */
import { type SQL, sql } from 'drizzle-orm';
import cron, { type ScheduledTask } from 'node-cron';
import { type Database, type RawQuery, rowsOf, type ServerDb } from '../platform/database.ts';
import { tryLock } from '../platform/locks.ts';
import { type Logger, loggableError } from '../platform/log.ts';

export interface Job {
  /** Names the job in logs and in `run(name)`. */
  name: string;
  /** When it runs: a cron expression (minute hour day month weekday, with optional leading seconds). */
  schedule: string;
  /** Its key in `LOCK_KEYS`. */
  lockKey: number;
  /**
   * The work, inside the transaction that holds the lock (`query` and `tx` are that transaction);
   * what it returns is logged with the run.
   */
  run(query: RawQuery, tx: ServerDb): Promise<Record<string, unknown> | undefined>;
}

export type RunOutcome =
  | { status: 'ran'; ms: number; summary?: Record<string, unknown> | undefined }
  | { status: 'skipped'; reason: 'running here' | 'locked by another instance' }
  | { status: 'failed'; ms: number; error: unknown };

interface Entry {
  job: Job;
  log: Logger;
  running: Promise<RunOutcome> | null;
  /** The latest runs here, newest first (`GET /api/jobs`). */
  runs: RunRecord[];
}

/** One run as admins see it: when, how it ended, how long, what it did or why it failed. */
export interface RunRecord {
  startedAt: string;
  status: RunOutcome['status'];
  ms: number | null;
  /** What the job returned (counts, a file name), or the skip reason / error message. */
  detail: Record<string, unknown> | string | null;
}

/** Runs kept per job in this process. */
const KEPT_RUNS = 20;

export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private tasks: ScheduledTask[] = [];

  constructor(
    private readonly database: Database,
    private readonly log: Logger,
  ) {}

  add(job: Job): void {
    if (this.entries.has(job.name)) throw new Error(`job "${job.name}" is already scheduled`);
    if (!cron.validate(job.schedule))
      throw new Error(`job "${job.name}": invalid schedule "${job.schedule}"`);
    this.entries.set(job.name, { job, log: this.log.child({ job: job.name }), running: null, runs: [] });
  }

  /** Starts every job's schedule. Its timers do not keep the process alive. */
  start(): void {
    for (const { job, log } of this.entries.values()) {
      const task = cron.schedule(job.schedule, () => this.run(job.name), {
        name: job.name,
        unref: true,
        logger: {
          info: (message) => log.info(message),
          warn: (message) => log.warn(message),
          error: (message, err) => log.error({ error: loggableError(err), message }, 'scheduler error'),
          debug: (message) => log.debug(String(message)),
        },
      });
      this.tasks.push(task);
    }
  }

  /** Stops the schedules and waits for runs in progress, so the database is not closed under them. */
  async stop(): Promise<void> {
    const tasks = this.tasks;
    this.tasks = [];
    await Promise.all(tasks.map((t) => t.destroy()));
    await Promise.all([...this.entries.values()].map((e) => e.running));
  }

  /** Every job with its schedule and latest runs in this server process (newest first). */
  history(): { name: string; schedule: string; running: boolean; runs: RunRecord[] }[] {
    return [...this.entries.values()].map((e) => ({
      name: e.job.name,
      schedule: e.job.schedule,
      running: e.running !== null,
      runs: [...e.runs],
    }));
  }

  /** Runs the job now, as its schedule does; skipped when a run of it is under way here or elsewhere. */
  run(name: string): Promise<RunOutcome> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`no job "${name}"`);
    if (entry.running) {
      entry.log.info('job skipped: the previous run is still going');
      return Promise.resolve({ status: 'skipped', reason: 'running here' });
    }
    const running = this.runLocked(entry).finally(() => {
      entry.running = null;
    });
    entry.running = running;
    return running;
  }

  private async runLocked(entry: Entry): Promise<RunOutcome> {
    const startedAt = new Date().toISOString();
    const outcome = await this.attempt(entry);
    entry.runs.unshift({
      startedAt,
      status: outcome.status,
      ms: 'ms' in outcome ? outcome.ms : null,
      detail:
        outcome.status === 'ran'
          ? (outcome.summary ?? null)
          : outcome.status === 'skipped'
            ? outcome.reason
            : outcome.error instanceof Error
              ? outcome.error.message.slice(0, 300)
              : String(outcome.error).slice(0, 300),
    });
    entry.runs.length = Math.min(entry.runs.length, KEPT_RUNS);
    return outcome;
  }

  private async attempt({ job, log }: Entry): Promise<RunOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const result = await this.database.db.transaction(async (tx) => {
        const query = rawQueryOf(tx);
        if (!(await tryLock(query, job.lockKey))) return null;
        return { summary: await job.run(query, tx) };
      });
      if (!result) {
        log.info('job skipped: another server instance holds its lock');
        return { status: 'skipped', reason: 'locked by another instance' };
      }
      const ms = elapsed();
      log.info({ ms, ...result.summary }, 'job ran');
      return { status: 'ran', ms, summary: result.summary };
    } catch (error) {
      const ms = elapsed();
      log.error({ error: loggableError(error), ms }, 'job failed');
      return { status: 'failed', ms, error };
    }
  }
}

/** Raw positional-parameter queries (`$1`…) run in a drizzle transaction. */
export function rawQueryOf(tx: ServerDb): RawQuery {
  return async <R>(text: string, params: unknown[] = []) => {
    const chunks: SQL[] = text
      .split(/\$(\d+)/)
      // `sql.param`: one bound value each, arrays included (a bare array would become a list `($1, $2)`).
      .map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql`${sql.param(params[Number(part) - 1])}`));
    return rowsOf<R>(await tx.execute(sql.join(chunks, sql.raw(''))));
  };
}
