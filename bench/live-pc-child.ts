/**
 * One live reception workstation alone in a process, as on a real PC: the writer or one of the
 * readers of (b). Started by bench/propagation.ts with `node --import tsx bench/live-pc-child.ts`,
 * configured by `BENCH_PC` (JSON, `LivePcConfig`); commands come as JSON lines on stdin, reports go
 * as JSON lines on stdout. Times are wall-clock milliseconds with sub-millisecond precision
 * (`performance.timeOrigin + performance.now()`), comparable across the processes of one machine.
 *
 * - writer: `{"type":"write","i":N}` → inserts a patient and answers `wrote`; every upload request it
 *   makes is reported (`upload`: when it left, when it was answered, which rows it carried).
 * - reader: reports `seen` for each bench patient the moment its `change` event shows it, with the
 *   arrival time of the latest shape response of `patients` before it (the long-poll answer that
 *   brought it).
 */
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { openLocalDatabase } from '../main/core/store/local-db.ts';
import { startWorkstation } from '../main/core/workstation.ts';
import { benchLogger } from './core-log.ts';
import {
  BENCH_MRN_PREFIX,
  type LivePcCommand,
  type LivePcConfig,
  type LivePcMessage,
  wallNow,
} from './live-pc-protocol.ts';
import { CpuProfiler } from './profile.ts';

const send = (m: LivePcMessage) => process.stdout.write(`${JSON.stringify(m)}\n`);

async function main() {
  const cfg = JSON.parse(process.env.BENCH_PC ?? 'null') as LivePcConfig | null;
  if (!cfg) throw new Error('BENCH_PC is not set');
  let lastPatientsResponseAt: number | null = null;
  // The same fetch the core would use, timed at the edges the breakdown needs.
  const timedFetch: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const sentAt = wallNow();
    const res = await fetch(input, init);
    const answeredAt = wallNow();
    if (url.includes('/v1/shape') && url.includes('table=patients')) lastPatientsResponseAt = answeredAt;
    if (cfg.role === 'writer' && url.endsWith('/api/sync/mutations') && typeof init?.body === 'string') {
      const batch = JSON.parse(init.body) as { mutations: { row_id: string }[] };
      send({ type: 'upload', sentAt, answeredAt, rowIds: batch.mutations.map((m) => m.row_id) });
    }
    return res;
  };
  const ws = await startWorkstation({
    server: cfg.server,
    dataDir: cfg.dataDir,
    key: cfg.key,
    enrollmentCode: cfg.code,
    fetch: timedFetch,
    log: benchLogger(`  [${cfg.role}]`, (l) => process.stderr.write(`${l}\n`)),
  });
  const login = await ws.session.login(cfg.user, cfg.password);
  if (!login.ok) throw new Error(`login failed: ${login.error.message}`);
  await ws.drain(120_000);

  if (cfg.role === 'reader') {
    // A second connection finds the bench's new rows (the core hands out no SQL handle); it sees
    // each commit by the time the core's `change` event fires.
    const watch = openLocalDatabase({ path: join(cfg.dataDir, 'workstation.db'), key: cfg.key });
    // New rows only (rowid order: the apply's INSERT OR REPLACE gives a row a new, higher rowid), so
    // the bench's own reading stays a few index steps per event, not a scan of every patient.
    const known = new Set<string>();
    let lastRowid = 0;
    const fresh = watch.sqlite.prepare(
      `SELECT rowid AS r, id, mrn FROM patients WHERE rowid > ? ORDER BY rowid`,
    );
    const readFresh = () => {
      const rows = fresh.all(lastRowid) as { r: number; id: string; mrn: string }[];
      for (const row of rows) lastRowid = Math.max(lastRowid, row.r);
      return rows.filter((row) => row.mrn.startsWith(BENCH_MRN_PREFIX) && !known.has(row.id));
    };
    for (const r of readFresh()) known.add(r.id);
    ws.on('change', (tables) => {
      if (!tables.includes('patients')) return;
      const at = wallNow();
      for (const r of readFresh()) {
        known.add(r.id);
        send({ type: 'seen', id: r.id, at, responseAt: lastPatientsResponseAt });
      }
    });
  }
  const profiler = cfg.profileFile ? new CpuProfiler(dirname(cfg.profileFile)) : null;
  await profiler?.start();
  send({ type: 'ready' });

  let mrn = 0;
  for await (const line of createInterface({ input: process.stdin })) {
    const cmd = JSON.parse(line) as LivePcCommand;
    if (cmd.type === 'stop') break;
    const r = ws.writes.insert('patients', {
      mrn: `${BENCH_MRN_PREFIX}${process.pid}-${String(++mrn).padStart(6, '0')}`,
      first_name: `Bench${cmd.i}`,
      last_name: 'Latency',
      date_of_birth: '1990-04-12',
      gender: cmd.i % 2 ? 'female' : 'male',
    });
    const at = wallNow();
    if (!r.ok) throw new Error(`write ${cmd.i} refused: ${r.error.message}`);
    send({ type: 'wrote', i: cmd.i, id: String(r.value.id), at });
  }
  if (profiler && cfg.profileFile) await profiler.stop(basename(cfg.profileFile, '.cpuprofile'));
  await ws.stop();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    process.exit(1);
  },
);
