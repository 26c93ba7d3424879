/**
 * (b) Propagation latency, each workstation in its own process as on real PCs: one writer and N
 * readers (reception PCs: they hold every patient), all with live shape streams
 * (bench/live-pc-child.ts). For each write, the time from `writes.insert` returning on the writer to
 * the row being visible on each reader, and where that time goes, step by step, from timestamps
 * carried through on one wall clock:
 *
 *   1. write returned → its upload request leaves the writer (the uploader's debounce and queue);
 *   2. upload left → the server's commit, seen by a plain LISTEN client on the change channel;
 *   3. commit → the long-poll answer carrying it reaches the reader (NOTIFY wake, log read, HTTP);
 *   4. answer reached the reader → the row visible there (the client's parse and apply, the event).
 *
 * Baselines measured in the same run: an HTTP round trip on loopback (GET /api/health, which also
 * does `select 1`) and a Postgres NOTIFY → LISTEN round trip.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { CHANGE_CHANNEL } from '../sync-server/platform/triggers.ts';
import type { BenchClient } from './http.ts';
import { type LivePcCommand, type LivePcConfig, type LivePcMessage, wallNow } from './live-pc-protocol.ts';
import { type Summary, sleep, summarize } from './stats.ts';

const here = dirname(fileURLToPath(import.meta.url));

export interface PropagationResult {
  readers: number;
  writes: number;
  pairs: number;
  missing: number;
  latency: Summary;
  /** The four steps of the path (see the header), each over every (write, reader) pair it applies to. */
  steps: {
    toUploadSent: Summary;
    uploadToCommit: Summary;
    commitToResponse: Summary;
    responseToVisible: Summary;
  };
  /** Per reader p99, to spot a slow one. */
  perReaderP99: number[];
  httpBaseline: Summary;
  notifyBaseline: Summary;
  setupMs: number;
}

async function httpBaseline(url: string, n: number): Promise<Summary> {
  const out: number[] = [];
  for (let i = 0; i < n + 10; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/health`);
    await res.text();
    if (i >= 10) out.push(performance.now() - t0);
  }
  return summarize(out);
}

async function notifyBaseline(dbUrl: string, n: number): Promise<Summary> {
  const listener = new pg.Client({ connectionString: dbUrl });
  const sender = new pg.Client({ connectionString: dbUrl });
  await listener.connect();
  await sender.connect();
  try {
    await listener.query('LISTEN hms_bench_ping');
    const out: number[] = [];
    for (let i = 0; i < n + 10; i++) {
      const got = new Promise<void>((resolve) => {
        const on = (m: pg.Notification) => {
          if (m.payload === String(i)) {
            listener.off('notification', on);
            resolve();
          }
        };
        listener.on('notification', on);
      });
      const t0 = performance.now();
      await sender.query(`SELECT pg_notify('hms_bench_ping', $1)`, [String(i)]);
      await got;
      if (i >= 10) out.push(performance.now() - t0);
    }
    return summarize(out);
  } finally {
    await listener.end();
    await sender.end();
  }
}

/** A live PC in its own process, with its reports as events. */
class LivePc {
  readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private error: string | null = null;

  constructor(cfg: LivePcConfig, onMessage: (m: LivePcMessage) => void, log: (line: string) => void) {
    this.child = spawn(process.execPath, ['--import', 'tsx', resolve(here, 'live-pc-child.ts')], {
      cwd: resolve(here, '..'),
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: resolve(here, 'tsconfig.run.json'),
        BENCH_PC: JSON.stringify(cfg),
      },
    });
    createInterface({ input: this.child.stderr as NonNullable<ChildProcess['stderr']> }).on('line', log);
    this.ready = new Promise((resolveReady, reject) => {
      this.child.once('close', (code) =>
        reject(new Error(`live PC exited with ${code}${this.error ? `: ${this.error}` : ''}`)),
      );
      createInterface({ input: this.child.stdout as NonNullable<ChildProcess['stdout']> }).on(
        'line',
        (line) => {
          let m: LivePcMessage;
          try {
            m = JSON.parse(line) as LivePcMessage;
          } catch {
            log(`  [pc] ${line}`);
            return;
          }
          if (m.type === 'ready') resolveReady();
          else if (m.type === 'error') this.error = m.message;
          else onMessage(m);
        },
      );
    });
    this.ready.catch(() => {});
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  send(cmd: LivePcCommand) {
    this.child.stdin?.write(`${JSON.stringify(cmd)}\n`);
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    const closed = new Promise<void>((r) => this.child.once('close', () => r()));
    this.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await closed;
    clearTimeout(timer);
  }
}

export async function benchPropagation(opts: {
  client: BenchClient;
  dbUrl: string;
  readers: number;
  writes: number;
  minIntervalMs: number;
  maxIntervalMs: number;
  log: (line: string) => void;
  /** Profile the writer and the first reader into this directory (`writer.cpuprofile`, `reader.cpuprofile`). */
  profileDir?: string;
  /**
   * Several server instances on the one database: the PCs are spread over them in turn (the writer
   * on the first, the first reader on the second…), so most readers learn of a write through
   * another instance's notification. Default: the client's server alone.
   */
  instanceUrls?: string[];
}): Promise<PropagationResult> {
  const { client, log } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'hms-bench-b-'));
  const pcs: LivePc[] = [];
  const watcher = new pg.Client({ connectionString: opts.dbUrl });
  // What the processes report, by write.
  const wrote = new Map<string, { i: number; at: number }>();
  const wroteWaiters = new Map<number, (id: string) => void>();
  const uploadSentAt = new Map<string, number>();
  const seen = new Map<string, { reader: number; at: number; responseAt: number | null }[]>();
  let allSeen: (() => void) | null = null;
  try {
    const setupStarted = performance.now();
    await client.createUser('bench_reception', 'receptionist');
    const password = 'password-bench_reception';
    const codes = await Promise.all(
      Array.from({ length: opts.readers + 1 }, (_, i) =>
        client.createWorkstation(`Bench desk ${i}`, 'reception'),
      ),
    );
    for (const [n, code] of codes.entries()) {
      const reader = n - 1;
      pcs.push(
        new LivePc(
          {
            role: n === 0 ? 'writer' : 'reader',
            server: opts.instanceUrls
              ? (opts.instanceUrls[n % opts.instanceUrls.length] as string)
              : client.url,
            dataDir: join(dir, `ws${n}`),
            key: `bench-key-${n}`,
            code,
            user: 'bench_reception',
            password,
            ...(opts.profileDir && n <= 1
              ? { profileFile: join(opts.profileDir, n === 0 ? 'writer.cpuprofile' : 'reader.cpuprofile') }
              : {}),
          },
          (m) => {
            if (m.type === 'wrote') {
              wrote.set(m.id, { i: m.i, at: m.at });
              wroteWaiters.get(m.i)?.(m.id);
            } else if (m.type === 'upload') {
              for (const id of m.rowIds) if (!uploadSentAt.has(id)) uploadSentAt.set(id, m.sentAt);
            } else if (m.type === 'seen') {
              const list = seen.get(m.id) ?? [];
              list.push({ reader, at: m.at, responseAt: m.responseAt });
              seen.set(m.id, list);
              if ([...wrote.keys()].every((id) => (seen.get(id)?.length ?? 0) >= opts.readers)) allSeen?.();
            }
          },
          (line) => log(line),
        ),
      );
      // Two at a time: twenty processes loading at once on two cores would time their enrolment out.
      if (pcs.length % 2 === 0) await pcs.at(-1)?.whenReady();
    }
    await Promise.all(pcs.map((pc) => pc.whenReady()));
    const setupMs = performance.now() - setupStarted;
    log(
      `  (b) ${pcs.length} workstations, each in its own process, live and drained in ${Math.round(setupMs)} ms`,
    );

    const http = await httpBaseline(client.url, 200);
    const notify = await notifyBaseline(opts.dbUrl, 200);

    // Server commits, seen by a plain LISTEN client on the change channel: each notification's time
    // goes to the rows the change log gained since the last one (a write's commit, whichever upload
    // carried it).
    await watcher.connect();
    const [{ seq: startSeq } = { seq: '0' }] = (
      await watcher.query<{ seq: string }>('SELECT coalesce(max(seq), 0)::text AS seq FROM change_log')
    ).rows;
    let lastSeq = startSeq;
    const commitAt = new Map<string, number>();
    let reading = Promise.resolve();
    await watcher.query(`LISTEN ${pg.escapeIdentifier(CHANGE_CHANNEL)}`);
    watcher.on('notification', (n) => {
      if (n.payload !== 'patients') return;
      const at = wallNow();
      reading = reading.then(async () => {
        const { rows } = await watcher.query<{ seq: string; row_id: string }>(
          `SELECT seq::text AS seq, row_id::text AS row_id FROM change_log WHERE seq > $1 AND table_name = 'patients' ORDER BY seq`,
          [lastSeq],
        );
        for (const r of rows) {
          if (!commitAt.has(r.row_id)) commitAt.set(r.row_id, at);
          lastSeq = r.seq;
        }
      });
    });

    const writer = pcs[0] as LivePc;
    const order: string[] = [];
    for (let i = 0; i < opts.writes; i++) {
      const id = await new Promise<string>((r) => {
        wroteWaiters.set(i, r);
        writer.send({ type: 'write', i });
      });
      wroteWaiters.delete(i);
      order.push(id);
      await sleep(opts.minIntervalMs + Math.random() * (opts.maxIntervalMs - opts.minIntervalMs));
    }
    const everyoneSaw = () => order.every((id) => (seen.get(id)?.length ?? 0) >= opts.readers);
    if (!everyoneSaw()) await Promise.race([new Promise<void>((r) => (allSeen = r)), sleep(15_000)]);

    const latencies: number[] = [];
    const perReader: number[][] = Array.from({ length: opts.readers }, () => []);
    const steps = {
      toUploadSent: [],
      uploadToCommit: [],
      commitToResponse: [],
      responseToVisible: [],
    } as Record<keyof PropagationResult['steps'], number[]>;
    let missing = 0;
    await reading;
    for (const id of order) {
      const w = wrote.get(id) as { at: number };
      const sent = uploadSentAt.get(id);
      const commit = commitAt.get(id);
      if (sent !== undefined) steps.toUploadSent.push(sent - w.at);
      if (sent !== undefined && commit !== undefined) steps.uploadToCommit.push(commit - sent);
      const views = seen.get(id) ?? [];
      missing += opts.readers - views.length;
      for (const v of views) {
        latencies.push(v.at - w.at);
        perReader[v.reader]?.push(v.at - w.at);
        if (v.responseAt !== null) {
          if (commit !== undefined) steps.commitToResponse.push(v.responseAt - commit);
          steps.responseToVisible.push(v.at - v.responseAt);
        }
      }
    }
    return {
      readers: opts.readers,
      writes: opts.writes,
      pairs: latencies.length,
      missing,
      latency: summarize(latencies),
      steps: {
        toUploadSent: summarize(steps.toUploadSent),
        uploadToCommit: summarize(steps.uploadToCommit),
        commitToResponse: summarize(steps.commitToResponse),
        responseToVisible: summarize(steps.responseToVisible),
      },
      perReaderP99: perReader.map((l) => summarize(l).p99),
      httpBaseline: http,
      notifyBaseline: notify,
      setupMs,
    };
  } finally {
    await watcher.end().catch(() => {});
    await Promise.all(pcs.map((pc) => pc.stop().catch(() => {})));
    rmSync(dir, { recursive: true, force: true });
  }
}
