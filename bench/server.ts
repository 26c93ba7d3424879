/**
 * The sync server for the benchmark, in its own process (so the workstations under test do not share
 * its event loop, as on a real LAN). `tsx bench/server.ts <postgres url>`; prints one JSON line
 * `{"url": …}` once listening; stops on SIGTERM.
 *
 * With `BENCH_KEY_DIR` set: the server's keys live there, so several instances share them.
 * With `BENCH_PROFILE_DIR` set: CPU-profiles the process from "listening" to SIGTERM (start-up and
 * module loading excluded) into `<dir>/server.cpuprofile`, and times every Postgres query (by
 * statement, client side: round trip included) into `<dir>/queries.json`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import pg from 'pg';
import { bootstrap } from '../sync-server/admin/bootstrap.ts';
import { buildApp } from '../sync-server/app.ts';
import { testConfig } from '../sync-server/config.ts';
import { openDatabase } from '../sync-server/platform/database.ts';
import { ADMIN_PASSWORD } from './http.ts';

const dbUrl = process.argv[2];
if (!dbUrl) {
  process.stderr.write('usage: tsx bench/server.ts <postgres url>\n');
  process.exit(2);
}
const profileDir = process.env.BENCH_PROFILE_DIR;

/** Per statement: count and total client-side time. */
const queryStats = new Map<string, { n: number; ms: number }>();
let timing = false;
function timeQueries() {
  type QueryFn = (this: pg.Client, ...args: unknown[]) => unknown;
  const proto = pg.Client.prototype as unknown as { query: QueryFn };
  const original = proto.query;
  const keyOf = (a: unknown): string => {
    const text = typeof a === 'string' ? a : ((a as { text?: unknown } | null)?.text ?? '');
    return String(text).replace(/\s+/g, ' ').replace(/\$\d+/g, '$').slice(0, 140);
  };
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    if (!timing) return original.apply(this, args);
    const key = keyOf(args[0]);
    const t0 = performance.now();
    const record = () => {
      const s = queryStats.get(key) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += performance.now() - t0;
      queryStats.set(key, s);
    };
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      const cb = last as (...a: unknown[]) => unknown;
      args[args.length - 1] = (...a: unknown[]) => {
        record();
        return cb(...a);
      };
      return original.apply(this, args);
    }
    const r = original.apply(this, args);
    if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(record, record);
    return r;
  };
}
if (profileDir) timeQueries();

const database = await openDatabase({ url: dbUrl });
const config = testConfig({
  adminPassword: ADMIN_PASSWORD,
  databaseUrl: dbUrl,
  ...(process.env.BENCH_KEY_DIR ? { keyDir: process.env.BENCH_KEY_DIR } : {}),
});
await bootstrap(database, config);
const app = await buildApp({ database, config });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

let session: Session | null = null;
if (profileDir) {
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  timing = true;
}
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);

let closing = false;
const shutdown = async () => {
  if (closing) return;
  closing = true;
  if (session && profileDir) {
    timing = false;
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(profileDir, 'server.cpuprofile'), JSON.stringify(profile));
    const stats = [...queryStats.entries()]
      .map(([sql, s]) => ({
        sql,
        n: s.n,
        ms: Math.round(s.ms),
        avgMs: Math.round((s.ms / s.n) * 1000) / 1000,
      }))
      .sort((a, b) => b.ms - a.ms);
    writeFileSync(join(profileDir, 'queries.json'), JSON.stringify(stats, null, 2));
  }
  await Promise.race([
    Promise.all([app.close().catch(() => {}), database.close().catch(() => {})]),
    new Promise((r) => setTimeout(r, 5_000)),
  ]);
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
