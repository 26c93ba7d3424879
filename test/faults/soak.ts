/**
 * The crash soak (issue 9): a writing workstation (a real child process, `runner.ts` in mode `write`)
 * is SIGKILLed at random moments round after round, the sync server (a child too, `sync-server/cli.ts`
 * on real Postgres) now and then as well, each restarted on the same files and database. Every `W`
 * line the workstation printed is a write it acknowledged to its user. At the end the workstation is
 * restarted once more and drains, and a second workstation syncs from scratch; then: integrity ok,
 * every acknowledged write in Postgres exactly once and on both replicas, nothing left pending.
 *
 * `runSoak` gathers problems instead of throwing, so one run reports everything it saw (and the
 * seed and round to reproduce it); `npm run soak` (scripts/soak.ts) and `soak.test.ts` call it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openLocalDatabase } from '../../main/core/store/local-db.ts';
import { startWorkstation, type Workstation } from '../../main/core/workstation.ts';
import { type Child, freePort, sleep, spawnTs } from '../support/child.ts';
import { inspect } from '../support/kill-check.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { ADMIN_PASSWORD, startTestServer } from '../support/server.ts';

const KEY = 'soak-test-key';
const USER = 'soak1';
/** Every MRN the soak writes starts so: `SOAK<round>-<i>`. */
const MRN_LIKE = 'SOAK%';

export interface SoakOptions {
  /** Workstation kills (rounds). */
  kills: number;
  /** The server is killed too in every `serverKillEvery`-th round (0: never). */
  serverKillEvery: number;
  /** Seeds the random choices (kill moments, which rounds kill at start); random when left out. */
  seed?: number;
  /** Progress lines (no patient data: synthetic ids and MRNs at most). */
  log?: (line: string) => void;
  /** Keep the database and data directories even when the soak passes (they are kept on failure). */
  keep?: boolean;
}

export interface SoakResult {
  seed: number;
  kills: number;
  /** Rounds killed at a random moment of the start (of which `killedBeforeReady` before READY). */
  killsAtStart: number;
  killedBeforeReady: number;
  serverKills: number;
  /** Rounds the workstation ran (and was killed) with the server down. */
  roundsServerDown: number;
  /** `W` lines printed: writes the workstation acknowledged. */
  writesAcknowledged: number;
  /** Rows in Postgres the workstation committed but was killed before printing. */
  committedUnprinted: number;
  /** Mutations pending on the PC at a kill though the server had applied them (the reply was lost). */
  repliesLost: number;
  durationMs: number;
  /** From the last restart of the writing workstation until its outbox was empty and shapes caught up. */
  drainMs: number;
  /** A fresh replica's enrolment and first sync, until it held every row. */
  freshReplicaMs: number;
  readyP50Ms: number;
  readyP95Ms: number;
  serverRestartP50Ms: number;
  /** Empty when every check passed. */
  problems: string[];
  summary: string;
}

/** mulberry32: a small seeded generator, so a failing run's choices can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const percentile = (xs: readonly number[], p: number) => {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

/** Resolves once the child's stdout is fully read: `exit` can come before the last lines. */
const closedOf = (c: Child) => new Promise<void>((res) => c.proc.once('close', () => res()));

export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = rng(seed);
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const problems: string[] = [];

  const db = await createTestDatabase('hms_soak');
  const pgc = new pg.Client({ connectionString: db.url });
  const keyDir = mkdtempSync(join(tmpdir(), 'hms-soak-keys-'));
  const writerDir = mkdtempSync(join(tmpdir(), 'hms-soak-ws-'));
  const freshDir = mkdtempSync(join(tmpdir(), 'hms-soak-fresh-'));
  let server: Child | null = null;
  let runner: Child | null = null;
  const workstations: Workstation[] = [];

  const result: SoakResult = {
    seed,
    kills: 0,
    killsAtStart: 0,
    killedBeforeReady: 0,
    serverKills: 0,
    roundsServerDown: 0,
    writesAcknowledged: 0,
    committedUnprinted: 0,
    repliesLost: 0,
    durationMs: 0,
    drainMs: 0,
    freshReplicaMs: 0,
    readyP50Ms: 0,
    readyP95Ms: 0,
    serverRestartP50Ms: 0,
    problems,
    summary: '',
  };

  try {
    // Users and the two workstations are made by an in-process server on the same database and key
    // directory (so the child server accepts its tokens), which then stops.
    const setup = await startTestServer({ url: db.url, config: { keyDir } });
    await setup.createUser(USER, 'receptionist');
    const writer = await setup.createWorkstation({ name: 'Soak writer', kind: 'reception' });
    const fresh = await setup.createWorkstation({ name: 'Soak fresh', kind: 'reception' });
    await setup.stop();
    await pgc.connect();

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const serverStarts: number[] = [];
    const startServer = async () => {
      const t0 = Date.now();
      server = spawnTs('sync-server/cli.ts', [], {
        DATABASE_URL: db.url,
        PORT: String(port),
        HMS_ADMIN_PASSWORD: ADMIN_PASSWORD,
        HMS_KEY_DIR: keyDir,
        HMS_DATA_DIR: keyDir,
        HMS_LOG_LEVEL: 'silent',
        // One workstation logs in every round, from loopback: lift the per-client sign-in limit.
        HMS_AUTH_RATE_PER_MINUTE: '1000000',
      });
      await server.waitFor(/listening on/, 60_000);
      serverStarts.push(Date.now() - t0);
    };
    await startServer();

    const printed = new Map<string, string>();
    const readyMs: number[] = [];
    /** The server was left down after its kill for this round; it comes back after it. */
    let keptDown = false;

    const finalChecks = async () => {
      if (server === null) await startServer();
      // The last restart: no new writes, everything pending goes up and the shapes catch up.
      const t0 = Date.now();
      const ws = await startWorkstation({ server: url, dataDir: writerDir, key: KEY });
      workstations.push(ws);
      try {
        await ws.drain(180_000);
      } catch (e) {
        problems.push(`final drain: ${e instanceof Error ? e.message : String(e)}`);
      }
      result.drainMs = Date.now() - t0;
      if (ws.status().outboxPending !== 0)
        problems.push(`${ws.status().outboxPending} outbox entries still pending after the drain`);
      await ws.stop();

      const remote = (
        await pgc.query<{ id: string; mrn: string }>(
          `SELECT id::text AS id, mrn FROM patients WHERE mrn LIKE '${MRN_LIKE}'`,
        )
      ).rows;
      const remoteById = new Map(remote.map((r) => [r.id, r.mrn]));
      if (remoteById.size !== remote.length) problems.push('Postgres: a patient id appears twice');
      const mrns = new Set(remote.map((r) => r.mrn));
      if (mrns.size !== remote.length)
        problems.push(`Postgres: ${remote.length - mrns.size} MRNs appear more than once (a doubled write)`);
      const lost = [...printed].filter(([id, mrn]) => remoteById.get(id) !== mrn);
      if (lost.length)
        problems.push(
          `Postgres: ${lost.length} acknowledged writes missing or changed (first: ${lost
            .slice(0, 3)
            .map(([id, mrn]) => `${id} ${mrn}`)
            .join(', ')})`,
        );
      result.committedUnprinted = remote.filter((r) => !printed.has(r.id)).length;

      const writerLocal = openLocalDatabase({ path: join(writerDir, 'workstation.db'), key: KEY });
      try {
        const sq = writerLocal.sqlite;
        const integrity = sq.pragma('integrity_check', { simple: true }) as string;
        if (integrity !== 'ok') problems.push(`writer replica integrity_check: ${integrity}`);
        const byStatus = sq
          .prepare(`SELECT status, coalesce(outcome, '') AS outcome, count(*) AS n FROM outbox GROUP BY 1, 2`)
          .all() as { status: string; outcome: string; n: number }[];
        const notApplied = byStatus.filter((s) => s.status !== 'acked' || s.outcome !== 'applied');
        if (notApplied.length)
          problems.push(
            `writer outbox not all applied: ${notApplied.map((s) => `${s.n} ${s.status}/${s.outcome || '-'}`).join(', ')}`,
          );
        const outboxIds = (sq.prepare('SELECT id FROM outbox').all() as { id: string }[]).map((r) => r.id);
        const applied = (
          await pgc.query<{ id: string }>(
            'SELECT mutation_id::text AS id FROM applied_mutations WHERE workstation_id = $1',
            [writer.id],
          )
        ).rows.map((r) => r.id);
        const appliedSet = new Set(applied);
        if (appliedSet.size !== applied.length)
          problems.push('Postgres: a mutation recorded as applied twice');
        const unapplied = outboxIds.filter((id) => !appliedSet.has(id)).length;
        if (unapplied || applied.length !== outboxIds.length)
          problems.push(
            `writer outbox (${outboxIds.length}) and the server's applied mutations (${applied.length}) differ (${unapplied} not applied)`,
          );
        problems.push(
          ...compareReplica(
            'writer replica',
            sq.prepare(`SELECT id FROM patients WHERE mrn LIKE ?`),
            remoteById,
          ),
        );
      } finally {
        writerLocal.close();
      }

      // A second replica of the same kind, from scratch: what every other PC would see.
      const f0 = Date.now();
      try {
        const other = await startWorkstation({
          server: url,
          dataDir: freshDir,
          key: KEY,
          enrollmentCode: fresh.enrollment_code,
        });
        workstations.push(other);
        await other.drain(300_000);
        const freshLocal = openLocalDatabase({ path: join(freshDir, 'workstation.db'), key: KEY });
        try {
          const count = freshLocal.sqlite.prepare('SELECT count(*) AS n FROM patients WHERE mrn LIKE ?');
          // Drain waits for the shapes to catch up; poll a little in case the last batch is being applied.
          const until = Date.now() + 60_000;
          while ((count.get(MRN_LIKE) as { n: number }).n < remote.length && Date.now() < until)
            await sleep(200);
          result.freshReplicaMs = Date.now() - f0;
          const integrity = freshLocal.sqlite.pragma('integrity_check', { simple: true }) as string;
          if (integrity !== 'ok') problems.push(`fresh replica integrity_check: ${integrity}`);
          problems.push(
            ...compareReplica(
              'fresh replica',
              freshLocal.sqlite.prepare(`SELECT id FROM patients WHERE mrn LIKE ?`),
              remoteById,
            ),
          );
        } finally {
          freshLocal.close();
        }
        await other.stop();
      } catch (e) {
        problems.push(`fresh replica: ${e instanceof Error ? e.message : String(e)}`);
      }
    };

    for (let round = 0; round < opts.kills; round++) {
      const serverKillRound = opts.serverKillEvery > 0 && (round + 1) % opts.serverKillEvery === 0;
      // Round 0 enrols, so it always gets to READY; after that one round in five is killed at a random
      // moment of its start: opening and migrating the file, resuming the shapes, logging in.
      const atStart = round % 5 === 3 && !serverKillRound;
      const serverUp = server !== null;
      const t0 = Date.now();
      const child = spawnTs('test/faults/runner.ts', [], {
        HMS_RUNNER: JSON.stringify({
          server: url,
          dataDir: writerDir,
          key: KEY,
          ...(round === 0 ? { code: writer.enrollment_code } : {}),
          user: USER,
          password: `password-${USER}`,
          mode: 'write',
          prefix: `SOAK${round}`,
        }),
      });
      runner = child;
      const closed = closedOf(child);
      // Its last words, should it stop by itself (a crash on start, a refused write).
      let stderr = '';
      child.proc.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
      let ready = false;
      const readySeen = child.waitFor(/^READY$/, 60_000).then(
        () => {
          ready = true;
          readyMs.push(Date.now() - t0);
        },
        (e: unknown) => e,
      );
      if (atStart) {
        result.killsAtStart++;
        // The first ~60 % of a start is loading modules, which touches no file: aim the kill at the
        // rest (opening, migrating, resuming, logging in) and just past READY.
        const typical = readyMs.length ? percentile(readyMs, 50) : 1_500;
        await sleep(between(Math.round(typical * 0.5), Math.round(typical * 1.15)));
      } else {
        const failed = await readySeen;
        if (failed !== undefined) {
          problems.push(
            `round ${round} (seed ${seed}): the workstation did not start: ${failed instanceof Error ? failed.message : String(failed)}`,
          );
          await child.kill9();
          break;
        }
        const window = between(50, 600);
        if (serverKillRound && server) {
          const at = between(0, window);
          await sleep(at);
          await (server as Child).kill9();
          server = null;
          result.serverKills++;
          await sleep(window - at);
        } else {
          await sleep(window);
        }
      }
      const exitedByItself = child.proc.exitCode !== null;
      await child.kill9();
      await closed;
      runner = null;
      result.kills++;
      if (!ready) result.killedBeforeReady++;
      if (!serverUp) result.roundsServerDown++;
      if (exitedByItself) {
        problems.push(
          `round ${round} (seed ${seed}): the workstation exited by itself (code ${child.proc.exitCode}, ` +
            `${ready ? 'after' : 'before'} READY): ${stderr.trim() || 'no message'}`,
        );
        break;
      }

      for (const line of child.lines) {
        if (!line.startsWith('W ')) continue;
        const [, id, mrn] = line.split(' ');
        if (!id || !mrn) continue;
        if (printed.has(id)) problems.push(`round ${round} (seed ${seed}): id ${id} printed twice`);
        printed.set(id, mrn);
      }
      result.writesAcknowledged = printed.size;

      // The killed PC's files, reopened: intact, every acknowledged write there, rows and outbox in step.
      const check = inspect(writerDir, [...printed.keys()], MRN_LIKE, KEY);
      const local: string[] = [];
      if (check.integrity !== 'ok') local.push(`integrity_check: ${check.integrity}`);
      if (check.missing.length)
        local.push(
          `${check.missing.length} acknowledged writes missing (first: ${check.missing.slice(0, 3).join(', ')})`,
        );
      if (check.rowsWithoutOutbox) local.push(`${check.rowsWithoutOutbox} rows without their outbox entry`);
      if (check.outboxWithoutRow) local.push(`${check.outboxWithoutRow} outbox entries without their row`);
      if (check.duplicateSeqs) local.push(`${check.duplicateSeqs} duplicate outbox seqs`);
      if (local.length) {
        problems.push(`round ${round} (seed ${seed}), after the kill: ${local.join('; ')}`);
        break;
      }
      if (check.pendingIds.length) {
        const r = await pgc.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM applied_mutations WHERE mutation_id = ANY($1::uuid[])',
          [check.pendingIds],
        );
        result.repliesLost += r.rows[0]?.n ?? 0;
      }

      if (server === null) {
        // After a server kill, half the time the next round runs with the server still down
        // (offline log-in, writes queue up), then it comes back.
        if (!keptDown && serverKillRound && random() < 0.5) keptDown = true;
        else {
          keptDown = false;
          try {
            await startServer();
          } catch (e) {
            problems.push(
              `round ${round} (seed ${seed}): the server did not restart: ${e instanceof Error ? e.message : String(e)}`,
            );
            break;
          }
        }
      }
      if ((round + 1) % 50 === 0 || round + 1 === opts.kills)
        log(
          `soak: ${round + 1}/${opts.kills} kills, ${printed.size} writes acknowledged, ` +
            `${result.serverKills} server kills, ${Math.round((Date.now() - started) / 1000)} s`,
        );
    }

    if (problems.length === 0) await finalChecks();

    result.readyP50Ms = percentile(readyMs, 50);
    result.readyP95Ms = percentile(readyMs, 95);
    result.serverRestartP50Ms = percentile(serverStarts, 50);
  } catch (e) {
    problems.push(`soak stopped: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  } finally {
    await (runner as Child | null)?.kill9();
    await (server as Child | null)?.kill9();
    for (const w of workstations) await w.stop().catch(() => {});
    await pgc.end().catch(() => {});
    if (problems.length === 0 && !opts.keep) {
      await db.drop();
      for (const d of [keyDir, writerDir, freshDir]) rmSync(d, { recursive: true, force: true });
    } else {
      log(
        `soak: kept for inspection: database ${new URL(db.url).pathname.slice(1)}, writer ${writerDir}, ` +
          `fresh replica ${freshDir} (key ${KEY})`,
      );
    }
  }

  result.durationMs = Date.now() - started;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  result.summary =
    `soak (seed ${seed}): ${result.kills} workstation kills (${result.killsAtStart} while starting, ` +
    `${result.killedBeforeReady} before READY), ${result.serverKills} server kills ` +
    `(${result.roundsServerDown} rounds with the server down), ${result.writesAcknowledged} writes acknowledged ` +
    `(+${result.committedUnprinted} committed but unprinted at a kill; ${result.repliesLost} replies lost), ` +
    `${s(result.durationMs)}; drain after the last restart ${s(result.drainMs)}; fresh replica ${s(result.freshReplicaMs)}; ` +
    `restart-to-READY p50 ${result.readyP50Ms} ms, p95 ${result.readyP95Ms} ms; server restart p50 ${result.serverRestartP50Ms} ms; ` +
    (problems.length ? `FAILED: ${problems.length} problem(s)` : 'all checks passed');
  return result;
}

/** The replica's soak rows against Postgres's: the same ids, none missing, none extra. */
function compareReplica(
  name: string,
  query: { all(...params: unknown[]): unknown[] },
  remoteById: ReadonlyMap<string, string>,
): string[] {
  const ids = (query.all(MRN_LIKE) as { id: string }[]).map((r) => r.id);
  const have = new Set(ids);
  const missing = [...remoteById.keys()].filter((id) => !have.has(id));
  const extra = ids.filter((id) => !remoteById.has(id));
  const out: string[] = [];
  if (missing.length)
    out.push(
      `${name}: ${missing.length} rows of Postgres missing (first: ${missing.slice(0, 3).join(', ')})`,
    );
  if (extra.length)
    out.push(`${name}: ${extra.length} rows not in Postgres (first: ${extra.slice(0, 3).join(', ')})`);
  if (have.size !== ids.length) out.push(`${name}: a row id appears twice`);
  return out;
}
