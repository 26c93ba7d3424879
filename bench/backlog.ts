/**
 * (h) An offline backlog going up: N patients registered on a cut-off workstation, then the link
 * comes back (loopback, or with `latencyMs` added each way by a TCP proxy) and the outbox drains.
 * Baseline: one full upload batch per round trip on the same link (the rate of an uploader that
 * waits for each answer before sending the next batch), so a ratio above 1 means batches overlap.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorkstation } from '../main/core/workstation.ts';
import { TcpProxy } from '../test/support/tcp-proxy.ts';
import type { BenchClient } from './http.ts';
import { percentile } from './stats.ts';

export interface BacklogResult {
  writes: number;
  latencyMs: number;
  drainMs: number;
  writesPerSec: number;
  /** Round trip of a health request over the same link (p50, ms). */
  rttMs: number;
  /** One 200-mutation batch per round trip. */
  perRoundTripPerSec: number;
  ratio: number;
}

const BATCH = 200;

export async function benchBacklog(o: {
  client: BenchClient;
  writes: number;
  latencyMs: number;
  user: string;
  password: string;
  log: (line: string) => void;
}): Promise<BacklogResult> {
  const code = await o.client.createWorkstation(`Backlog PC ${o.latencyMs} ms`, 'reception');
  const proxy = new TcpProxy(Number(new URL(o.client.url).port));
  const url = await proxy.start();
  const dir = mkdtempSync(join(tmpdir(), 'hms-bench-h-'));
  const ws = await startWorkstation({
    server: url,
    dataDir: dir,
    key: 'bench-backlog-key',
    enrollmentCode: code,
  });
  try {
    proxy.delay(o.latencyMs);
    const login = await ws.session.login(o.user, o.password);
    if (!login.ok) throw new Error(`(h) login failed: ${login.error.message}`);
    await ws.drain(120_000);
    const rtts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await (await fetch(`${url}/api/health`)).arrayBuffer();
      rtts.push(performance.now() - t);
    }
    const rttMs = percentile(
      rtts.sort((a, b) => a - b),
      50,
    );
    proxy.cut();
    for (let i = 0; i < o.writes; i++) {
      const r = ws.writes.insert('patients', {
        mrn: `BL-${o.latencyMs}-${i}`,
        first_name: 'Backlog',
        last_name: `Patient${i}`,
        date_of_birth: '1980-01-01',
        gender: i % 2 ? 'male' : 'female',
      });
      if (!r.ok) throw new Error(`(h) write failed: ${r.error.message}`);
    }
    o.log(
      `(h) ${o.writes} writes waiting; link back with ${o.latencyMs} ms each way (RTT ${rttMs.toFixed(1)} ms)`,
    );
    proxy.delay(o.latencyMs); // opens the link again, with its latency
    const t0 = performance.now();
    ws.syncNow();
    while (ws.status().outboxPending > 0) await new Promise((r) => setTimeout(r, 5));
    const drainMs = performance.now() - t0;
    const writesPerSec = (o.writes / drainMs) * 1000;
    const perRoundTripPerSec = (BATCH / rttMs) * 1000;
    return {
      writes: o.writes,
      latencyMs: o.latencyMs,
      drainMs,
      writesPerSec,
      rttMs,
      perRoundTripPerSec,
      ratio: writesPerSec / perRoundTripPerSec,
    };
  } finally {
    await ws.stop();
    await proxy.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
