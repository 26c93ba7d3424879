/**
 * (b) Propagation latency: one writer and N readers (reception PCs: they hold every patient), all
 * with live shape streams. For each write, the time from `writes.insert` returning on the writer to
 * the row being readable (`get`) on each reader, seen through `on('change')`. Baselines measured in
 * the same run: an HTTP round trip on loopback (GET /api/health, which also does `select 1`) and a
 * Postgres NOTIFY → LISTEN round trip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startWorkstation, type Workstation } from '../main/core/workstation.ts';
import { CHANGE_CHANNEL } from '../sync-server/platform/triggers.ts';
import { benchLogger } from './core-log.ts';
import type { BenchClient } from './http.ts';
import { type Summary, sleep, summarize } from './stats.ts';

export interface PropagationResult {
  readers: number;
  writes: number;
  pairs: number;
  missing: number;
  latency: Summary;
  /** Write returned → the server's commit NOTIFY seen by a plain LISTEN client (upload + apply). */
  toServerCommit: Summary;
  /** Server commit NOTIFY → visible on a reader (long-poll wake, log read, response, apply). */
  commitToVisible: Summary;
  /** Per reader p99, to spot a slow one. */
  perReaderP99: number[];
  httpBaseline: Summary;
  notifyBaseline: Summary;
  setupMs: number;
}

let mrn = 0;
const patient = (i: number) => ({
  mrn: `P-BENCH-${String(++mrn).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`,
  first_name: `Bench${i}`,
  last_name: 'Latency',
  date_of_birth: '1990-04-12',
  gender: i % 2 ? 'female' : 'male',
});

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

export async function benchPropagation(opts: {
  client: BenchClient;
  dbUrl: string;
  readers: number;
  writes: number;
  minIntervalMs: number;
  maxIntervalMs: number;
  log: (line: string) => void;
}): Promise<PropagationResult> {
  const { client, log } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'hms-bench-b-'));
  const stations: Workstation[] = [];
  const watcher = new pg.Client({ connectionString: opts.dbUrl });
  try {
    const setupStarted = performance.now();
    await client.createUser('bench_reception', 'receptionist');
    const password = 'password-bench_reception';
    const codes = await Promise.all(
      Array.from({ length: opts.readers + 1 }, (_, i) =>
        client.createWorkstation(`Bench desk ${i}`, 'reception'),
      ),
    );
    for (const [i, code] of codes.entries()) {
      const ws = await startWorkstation({
        server: client.url,
        dataDir: join(dir, `ws${i}`),
        key: `bench-key-${i}`,
        enrollmentCode: code,
        log: benchLogger(`  [ws${i}]`, log),
      });
      stations.push(ws);
      const r = await ws.session.login('bench_reception', password);
      if (!r.ok) throw new Error(`login on ws${i} failed: ${r.error.message}`);
    }
    await Promise.all(stations.map((ws) => ws.drain(120_000)));
    const setupMs = performance.now() - setupStarted;
    log(`  (b) ${stations.length} workstations live and drained in ${Math.round(setupMs)} ms`);

    const [writer, ...readers] = stations as [Workstation, ...Workstation[]];
    const http = await httpBaseline(client.url, 200);
    const notify = await notifyBaseline(opts.dbUrl, 200);

    // Server commits, seen by a plain LISTEN client on the change channel.
    await watcher.connect();
    await watcher.query(`LISTEN ${pg.escapeIdentifier(CHANGE_CHANNEL)}`);
    const commitAt: number[] = [];
    const pending = new Map<string, { i: number; t0: number; seen: Set<number> }>();
    const writeT0: number[] = [];
    watcher.on('notification', (n) => {
      if (n.payload !== 'patients') return;
      // Writes are spaced ≥ 100 ms apart and each is one upload: the first notification after a write
      // is its commit.
      const i = commitAt.length;
      if (i < writeT0.length) commitAt.push(performance.now());
    });

    const latencies: number[] = [];
    const commitToVisible: number[] = [];
    const perReader: number[][] = readers.map(() => []);
    let allSeen: (() => void) | null = null;
    readers.forEach((ws, r) => {
      ws.on('change', (tables) => {
        if (!tables.includes('patients')) return;
        const now = performance.now();
        for (const [id, p] of pending) {
          if (p.seen.has(r)) continue;
          if (!ws.get('patients', id)) continue;
          p.seen.add(r);
          const ms = now - p.t0;
          latencies.push(ms);
          perReader[r]?.push(ms);
          const c = commitAt[p.i];
          if (c !== undefined) commitToVisible.push(now - c);
          if (p.seen.size === readers.length) {
            pending.delete(id);
            if (pending.size === 0) allSeen?.();
          }
        }
      });
    });

    for (let i = 0; i < opts.writes; i++) {
      const r = writer.writes.insert('patients', patient(i));
      const t0 = performance.now();
      if (!r.ok) throw new Error(`write ${i} refused: ${r.error.message}`);
      writeT0.push(t0);
      pending.set(r.value.id as string, { i, t0, seen: new Set() });
      await sleep(opts.minIntervalMs + Math.random() * (opts.maxIntervalMs - opts.minIntervalMs));
    }
    if (pending.size > 0) {
      await Promise.race([new Promise<void>((res) => (allSeen = res)), sleep(15_000)]);
    }
    let missing = 0;
    for (const p of pending.values()) missing += readers.length - p.seen.size;
    const toServerCommit = commitAt.map((c, i) => c - (writeT0[i] as number));
    return {
      readers: readers.length,
      writes: opts.writes,
      pairs: latencies.length,
      missing,
      latency: summarize(latencies),
      toServerCommit: summarize(toServerCommit),
      commitToVisible: summarize(commitToVisible),
      perReaderP99: perReader.map((l) => summarize(l).p99),
      httpBaseline: http,
      notifyBaseline: notify,
      setupMs,
    };
  } finally {
    await watcher.end().catch(() => {});
    await Promise.all(stations.map((ws) => ws.stop().catch(() => {})));
    rmSync(dir, { recursive: true, force: true });
  }
}
