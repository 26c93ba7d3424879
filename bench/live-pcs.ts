/**
 * (j) Live PCs per server process: lightweight shape clients (the official `@electric-sql/client`,
 * long-polling `patients` as a PC does) enrolled as reception, ward and pharmacy workstations, held
 * open while a front desk uploads registrations; for a growing number of clients, the time from an
 * upload leaving to each front desk's client seeing the row (the others are woken and hold on), with the server process's memory and
 * CPU over the writes. The figure: the largest count whose p99 stays within 1 s.
 *
 * With several server instances on the one database (`--instances 2`), clients are spread over
 * them in turn and the writes go through the first: a write reaches the other instance's clients
 * through Postgres' notification, as behind a load balancer.
 *
 * The clients all live in the bench's own process (one event loop for all of them), so the figure
 * is a floor for the server: at the largest counts the clients' process is busy too.
 */
import { readFileSync } from 'node:fs';
import { type Message, type Row, ShapeStream } from '@electric-sql/client';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { type Mutation, SYNC_SCHEMA_VERSION } from '../db/sync-contract.ts';
import type { BenchClient } from './http.ts';
import { type Summary, sleep, summarize } from './stats.ts';

export interface LivePcsStep {
  clients: number;
  /** Clients whose scope holds the written rows (the front desks). */
  watching: number;
  latency: Summary;
  missing: number;
  serverRssMb: number;
  /** Server CPU over the writes, in % of one core (all instances). */
  serverCpuPct: number;
}

export interface LivePcsResult {
  steps: LivePcsStep[];
  /** The largest count whose p99 was within 1 s, with nothing missing (0: none). */
  largestWithin1s: number;
}

const KINDS = ['reception', 'ward', 'pharmacy'] as const;

/** Resident memory (MB) and CPU time (s) of a process, from /proc. */
function processUsage(pid: number): { rssMb: number; cpuSec: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  // Fields 14 and 15 (utime, stime) in clock ticks, after the command name in parentheses.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMb: rssKb / 1024, cpuSec: ticks / 100 };
}

/** Memory and CPU time summed over the server's instances. */
function usage(pids: number[]): { rssMb: number; cpuSec: number } {
  return pids.map(processUsage).reduce((a, b) => ({ rssMb: a.rssMb + b.rssMb, cpuSec: a.cpuSec + b.cpuSec }));
}

export async function benchLivePcs(opts: {
  client: BenchClient;
  /** Every server instance's URL: clients are spread over them in turn, as a balancer would. */
  instanceUrls: string[];
  dbUrl: string;
  serverPids: number[];
  counts: number[];
  writes: number;
  log: (line: string) => void;
}): Promise<LivePcsResult> {
  const { client, log } = opts;
  const db = new pg.Client({ connectionString: opts.dbUrl });
  await db.connect();
  const aborts: AbortController[] = [];
  try {
    const [ward] = (
      await db.query<{ id: string }>(
        `INSERT INTO wards (name, code, ward_type, capacity) VALUES ('Bench ward', 'BW', 'general', 40) RETURNING id`,
      )
    ).rows;
    const wardId = ward?.id as string;
    const uploader = await client.enrol('Bench live uploader', 'reception');
    const author = await client.createUser('bench_live', 'receptionist');
    const grant = await client.grant('bench_live', 'password-bench_live', uploader.token);

    /** Per client: whether its scope holds the rows written, and when it saw each. */
    const clients: { watches: boolean; seen: Map<string, number> }[] = [];
    const addClient = async (i: number) => {
      const kind = KINDS[i % 3] as (typeof KINDS)[number];
      const { token } = await client.enrol(`Bench live PC ${i}`, kind, kind === 'ward' ? wardId : undefined);
      const abort = new AbortController();
      aborts.push(abort);
      // A front desk's registration reaches the front desks; the ward and pharmacy PCs poll the same
      // table (woken by the commit, holding on) but their scopes do not hold the new patient.
      const me = { watches: kind === 'reception', seen: new Map<string, number>() };
      clients.push(me);
      const stream = new ShapeStream<Row>({
        url: `${opts.instanceUrls[i % opts.instanceUrls.length]}/v1/shape`,
        params: { table: 'patients' },
        headers: { Authorization: `Bearer ${token}` },
        signal: abort.signal,
      });
      await new Promise<void>((resolve) => {
        stream.subscribe((messages: Message<Row>[]) => {
          const now = performance.now();
          for (const m of messages) {
            const mrn = (m as { value?: Row }).value?.mrn;
            if (typeof mrn === 'string' && mrn.startsWith('P-LIVE-') && !me.seen.has(mrn))
              me.seen.set(mrn, now);
            if ((m.headers as { control?: string }).control === 'up-to-date') resolve();
          }
        });
      });
    };

    const post = async (mutations: Mutation[]) => {
      const res = await fetch(`${client.url}/api/sync/mutations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${uploader.token}` },
        body: JSON.stringify({ schema_version: SYNC_SCHEMA_VERSION, grants: { [author]: grant }, mutations }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`upload → ${res.status} ${text}`);
      const { results } = JSON.parse(text) as { results: { outcome: string; reason?: string }[] };
      for (const r of results)
        if (r.outcome !== 'applied') throw new Error(`bench write ${r.outcome}: ${r.reason ?? ''}`);
    };

    const steps: LivePcsStep[] = [];
    let serial = 0;
    for (const count of opts.counts) {
      const started = performance.now();
      // Enrolled a few at a time: the enrolment itself is not what is measured.
      while (clients.length < count) {
        const batch = Array.from(
          { length: Math.min(25, count - clients.length) },
          (_, k) => clients.length + k,
        );
        await Promise.all(batch.map((i) => addClient(i)));
      }
      log(`  (j) ${count} live clients up to date in ${Math.round(performance.now() - started)} ms`);
      await sleep(1_000);
      const before = usage(opts.serverPids);
      const t0 = performance.now();
      const sentAt = new Map<string, number>();
      for (let w = 0; w < opts.writes; w++) {
        const mrn = `P-LIVE-${String(++serial).padStart(6, '0')}`;
        const ms = Date.now();
        sentAt.set(mrn, performance.now());
        await post([
          {
            id: uuidv7(),
            tx_id: uuidv7(),
            table: 'patients',
            row_id: uuidv7(),
            op: 'insert',
            author_id: author,
            hlc: `${String(ms).padStart(13, '0')}-${String(serial % 999999).padStart(6, '0')}-bench-j`,
            device_time: new Date(ms).toISOString(),
            data: {
              mrn,
              first_name: 'Live',
              last_name: 'Bench',
              date_of_birth: '1990-01-01',
              gender: 'female',
            },
          },
        ]);
        await sleep(500);
      }
      await sleep(2_000);
      const after = usage(opts.serverPids);
      const seconds = (performance.now() - t0) / 1000;
      const watching = clients.filter((c) => c.watches);
      const latencies: number[] = [];
      let missing = 0;
      for (const [mrn, at] of sentAt)
        for (const c of watching) {
          const seen = c.seen.get(mrn);
          if (seen === undefined) missing++;
          else latencies.push(seen - at);
        }
      const step: LivePcsStep = {
        clients: count,
        watching: watching.length,
        latency: summarize(latencies),
        missing,
        serverRssMb: Math.round(after.rssMb),
        serverCpuPct: Math.round((100 * (after.cpuSec - before.cpuSec)) / seconds),
      };
      steps.push(step);
      log(
        `  (j) ${count} clients: p50 ${step.latency.p50} ms, p99 ${step.latency.p99} ms, ${missing} missing; server ${step.serverRssMb} MB, ${step.serverCpuPct} % CPU`,
      );
    }
    const within = steps.filter((s) => s.latency.p99 <= 1_000 && s.missing === 0).map((s) => s.clients);
    return { steps, largestWithin1s: within.length ? Math.max(...within) : 0 };
  } finally {
    for (const a of aborts) a.abort();
    await db.end();
  }
}
