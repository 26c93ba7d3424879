/**
 * One admin workstation alone in a process, as the core runs beside the Electron shell: the
 * workstation side of (a), (d) and (e). Started by bench/admin-workstation.ts with
 * `node --expose-gc --import tsx bench/workstation-child.ts` and configured by `BENCH_WS` (JSON, see
 * `ChildConfig`). It reports JSON lines on stdout, in this order:
 *
 * 1. `loaded`: memory with the core's modules loaded, before the workstation starts (baseline of (e));
 * 2. `progress`… then `synced`: enrolled and every shape up to date, timed from just before start (a);
 * 3. `memory`: settled memory after the initial sync, the workstation still live (e);
 * 4. `search` (unless off): a user logged in, the search timings (d), and memory after them;
 * 5. `done`, once the workstation has stopped and its file is closed (the parent then counts its rows).
 *
 * Without an enrolment code it restarts the workstation already in `dataDir` instead: `synced` comes
 * once it has caught up (`drain`: no re-snapshot), and `memory` is that of a PC started on a full
 * database, which tells what the initial sync leaves behind from what the data costs.
 *
 * The sync is watched through a second connection to the file (the core hands out no SQL handle),
 * closed before memory is measured; the search's own connection opens only after that.
 */
import { join } from 'node:path';
import { openLocalDatabase } from '../main/core/store/local-db.ts';
import { startWorkstation } from '../main/core/workstation.ts';
import { benchLogger } from './core-log.ts';
import { type MemorySample, sampleMemory, settledMemory } from './memory.ts';
import { CpuProfiler } from './profile.ts';
import { benchSearch, type SearchResult } from './search.ts';
import { sleep } from './stats.ts';

export interface ChildConfig {
  server: string;
  dataDir: string;
  key: string;
  /** The enrolment code; none: restart the workstation already enrolled in `dataDir`. */
  code?: string;
  timeoutMs: number;
  /** Log the user in and time searches; null: stop after the memory figure. */
  search: { user: string; password: string; queries: number; warmup: number; limit: number } | null;
  /** CPU-profile the initial sync into this directory (memory figures then include the profiler). */
  profileDir?: string;
}

export type ChildMessage =
  | { type: 'loaded'; memory: MemorySample }
  | { type: 'progress'; seconds: number; upToDate: number; tables: number; lastError: string | null }
  | {
      type: 'synced';
      syncMs: number;
      tables: string[];
      upToDateAtMs: Record<string, number>;
      memory: MemorySample;
      profile: string | null;
    }
  | { type: 'memory'; early: MemorySample; memory: MemorySample; settleMs: number }
  | { type: 'search'; search: SearchResult; memory: MemorySample }
  | { type: 'done' }
  | { type: 'error'; message: string };

const send = (m: ChildMessage) => process.stdout.write(`${JSON.stringify(m)}\n`);
/**
 * V8 keeps freed heap pages pooled (resident) until its memory reducer runs, some 10–20 s after
 * activity stops: sampled 3 s after a 5,000-patient sync the process showed 414 MB, 20 s later
 * 256 MB with nothing else done. Figures are taken after this long an idle wait.
 */
const SETTLE_MS = 30_000;

async function main() {
  const cfg = JSON.parse(process.env.BENCH_WS ?? 'null') as ChildConfig | null;
  if (!cfg) throw new Error('BENCH_WS is not set');
  send({ type: 'loaded', memory: await settledMemory(SETTLE_MS) });

  const profiler = cfg.profileDir ? new CpuProfiler(cfg.profileDir) : null;
  await profiler?.start();
  const started = performance.now();
  const ws = await startWorkstation({
    server: cfg.server,
    dataDir: cfg.dataDir,
    key: cfg.key,
    ...(cfg.code ? { enrollmentCode: cfg.code } : {}),
    log: benchLogger('  [ws]', (l) => process.stderr.write(`${l}\n`)),
  });
  // The scope comes with the first probe; on a busy machine it can time out and come with a later one.
  let tables = ws.status().tables;
  for (let i = 0; tables.length === 0 && i < 100; i++) {
    await sleep(300);
    tables = ws.status().tables;
  }
  if (tables.length === 0) throw new Error('the admin workstation got no scope within 30 s');
  if (!cfg.code) await ws.drain(cfg.timeoutMs);
  const watch = openLocalDatabase({ path: join(cfg.dataDir, 'workstation.db'), key: cfg.key });
  const positions = watch.sqlite.prepare(
    'SELECT table_name AS t FROM shape_positions WHERE up_to_date_at IS NOT NULL',
  );
  const upToDateAt = new Map<string, number>();
  let lastReport = performance.now();
  for (;;) {
    const now = performance.now();
    for (const r of positions.all() as { t: string }[])
      if (!upToDateAt.has(r.t)) upToDateAt.set(r.t, now - started);
    if (tables.every((t) => upToDateAt.has(t))) break;
    if (now - started > cfg.timeoutMs)
      throw new Error(
        `initial sync not done after ${cfg.timeoutMs} ms; waiting for ${tables.filter((t) => !upToDateAt.has(t)).join(', ')}`,
      );
    if (now - lastReport > 15_000) {
      lastReport = now;
      send({
        type: 'progress',
        seconds: Math.round((now - started) / 1000),
        upToDate: upToDateAt.size,
        tables: tables.length,
        lastError: ws.status().lastError,
      });
    }
    await sleep(20);
  }
  const syncMs = performance.now() - started;
  const atSync = sampleMemory();
  const profile = (await profiler?.stop('initial-sync-workstation')) ?? null;
  watch.close();
  send({
    type: 'synced',
    syncMs,
    tables,
    upToDateAtMs: Object.fromEntries(upToDateAt),
    memory: atSync,
    profile,
  });

  // The workstation stays live (shape streams long-polling, heartbeat) while it settles.
  const early = await settledMemory(3_000);
  send({ type: 'memory', early, memory: await settledMemory(SETTLE_MS - 3_000), settleMs: SETTLE_MS });

  if (cfg.search) {
    const s = cfg.search;
    const login = await ws.session.login(s.user, s.password);
    if (!login.ok) throw new Error(`login of ${s.user} failed: ${login.error.message}`);
    const own = openLocalDatabase({ path: join(cfg.dataDir, 'workstation.db'), key: cfg.key });
    try {
      const search = await benchSearch({
        ws,
        sqlite: own.sqlite,
        queries: s.queries,
        warmup: s.warmup,
        limit: s.limit,
      });
      send({ type: 'search', search, memory: await settledMemory() });
    } finally {
      own.close();
    }
  }
  await ws.stop();
  send({ type: 'done' });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    process.exit(1);
  },
);
