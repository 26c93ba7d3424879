/**
 * kill -9 of a workstation (issue 3 test 5; reliability 4 and 5): a real child process writing
 * patients is SIGKILLed at random moments, some rounds behind a slow link so the server has
 * committed a batch whose answer never reached the workstation; another child is killed in the
 * middle of its initial snapshot. After each kill the data dir is reopened: integrity_check ok,
 * every acknowledged write present, no torn transaction. Then heal, drain, compare with Postgres.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openLocalDatabase } from '../../main/core/store/local-db.ts';
import { startWorkstation } from '../../main/core/workstation.ts';
import { type Child, sleep, spawnTs } from '../support/child.ts';
import { inspect } from '../support/kill-check.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

const KEY = 'fault-test-key';

describe('kill -9 of a workstation', () => {
  let server: TestServer;
  const dirs: string[] = [];
  const proxies: TcpProxy[] = [];
  const children: Child[] = [];

  const newDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'hms-fault-'));
    dirs.push(d);
    return d;
  };
  const newProxy = async () => {
    const p = new TcpProxy(Number(new URL(server.url).port));
    proxies.push(p);
    return { proxy: p, url: await p.start() };
  };
  const runner = (cfg: Record<string, unknown>) => {
    const c = spawnTs('test/faults/runner.ts', [], { HMS_RUNNER: JSON.stringify({ key: KEY, ...cfg }) });
    children.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('rec1', 'receptionist');
  });
  afterAll(async () => {
    for (const c of children) await c.kill9();
    for (const p of proxies) await p.stop();
    await server?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('loses and doubles nothing when killed while writing and uploading, reply lost included (4, 5)', async () => {
    const { proxy, url } = await newProxy();
    const created = await server.createWorkstation({ name: 'Desk K', kind: 'reception' });
    const dir = newDir();
    const printed: { id: string; mrn: string }[] = [];
    let committedButUnacked = 0;
    const ROUNDS = 4;
    const appliedCount = async () =>
      (
        await server.database.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM applied_mutations WHERE workstation_id = $1',
          [created.id],
        )
      )[0]?.n ?? 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Odd rounds: a slow link (300 ms each way); the kill lands as soon as the server has
      // committed a new batch, so that batch's answer is still on the wire and is lost.
      // Round 2: the link is cut just before the kill instead.
      if (round % 2 === 1) proxy.delay(300);
      else proxy.pass();
      const child = runner({
        server: url,
        dataDir: dir,
        ...(round === 0 ? { code: created.enrollment_code } : {}),
        user: 'rec1',
        password: 'password-rec1',
        mode: 'write',
        prefix: `KW${round}`,
      });
      await child.waitFor(/^READY$/, 30_000);
      await sleep(400 + Math.floor(Math.random() * 900));
      if (round % 2 === 1) {
        const start = await appliedCount();
        const until = Date.now() + 10_000;
        while ((await appliedCount()) === start && Date.now() < until) await sleep(10);
      }
      if (round === 2) {
        proxy.cut();
        await sleep(Math.floor(Math.random() * 50));
      }
      await child.kill9();
      proxy.pass();
      const round_ = child.lines
        .filter((l) => l.startsWith('W '))
        .map((l) => {
          const [, id, mrn] = l.split(' ');
          return { id: id as string, mrn: mrn as string };
        });
      expect(round_.length, `round ${round} wrote something`).toBeGreaterThan(0);
      printed.push(...round_);

      const check = inspect(
        dir,
        printed.map((p) => p.id),
        'KW%',
      );
      expect(check.integrity).toBe('ok');
      expect(check.missing).toEqual([]);
      expect(check.rowsWithoutOutbox).toBe(0);
      expect(check.outboxWithoutRow).toBe(0);
      expect(check.duplicateSeqs).toBe(0);
      // Pending locally yet already on the server: the answer was lost with the process.
      if (check.pendingIds.length) {
        const onServer = await server.database.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM applied_mutations WHERE mutation_id = ANY($1::uuid[])',
          [check.pendingIds],
        );
        committedButUnacked += onServer[0]?.n ?? 0;
      }
    }

    expect(committedButUnacked, 'some kill landed between the server commit and the reply').toBeGreaterThan(
      0,
    );

    // Heal, stop new work, drain, compare with Postgres.
    proxy.pass();
    const ws = await startWorkstation({ server: url, dataDir: dir, key: KEY });
    try {
      await ws.drain(45_000);
      expect(ws.status().outboxPending).toBe(0);
      // A second connection to the file: the core hands out no SQL handle.
      const db = openLocalDatabase({ path: join(dir, 'workstation.db'), key: KEY }).sqlite;
      onTestFinished(() => {
        db.close();
      });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const outbox = db.prepare('SELECT id, row_id, outcome FROM outbox').all() as {
        id: string;
        row_id: string;
        outcome: string;
      }[];
      expect(outbox.every((o) => o.outcome === 'applied')).toBe(true);
      const applied = await server.database.query<{ mutation_id: string; outcome: string }>(
        'SELECT mutation_id, outcome FROM applied_mutations WHERE workstation_id = $1',
        [created.id],
      );
      // One applied_mutations row per local mutation, none extra.
      expect(applied.map((a) => a.mutation_id).sort()).toEqual(outbox.map((o) => o.id).sort());
      const patients = await server.database.query<{ id: string; mrn: string; n: number }>(
        `SELECT mrn, count(*)::int AS n, min(id::text) AS id FROM patients WHERE mrn LIKE 'KW%' GROUP BY mrn`,
      );
      expect(patients.filter((p) => p.n !== 1)).toEqual([]);
      expect(patients).toHaveLength(outbox.length);
      const byMrn = new Map(patients.map((p) => [p.mrn, p.id]));
      for (const p of printed) expect(byMrn.get(p.mrn)).toBe(p.id);
      // The replica equals Postgres for these rows.
      const local = db.prepare(`SELECT id FROM patients WHERE mrn LIKE 'KW%' ORDER BY id`).all() as {
        id: string;
      }[];
      expect(local.map((r) => r.id)).toEqual(patients.map((p) => p.id).sort());
    } finally {
      await ws.stop();
    }
    console.info(
      `workstation-kill: ${printed.length} acknowledged writes over ${ROUNDS} kills; ` +
        `${committedButUnacked} mutations were committed on the server but unacknowledged at a kill`,
    );
  }, 120_000);

  it('resumes a snapshot interrupted by kill -9 without losing or doubling rows', async () => {
    const TOTAL = 20_000;
    await server.database.query(
      `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender)
       SELECT 'SEED-' || g, 'Ebrima', 'Touray', DATE '1970-01-01' + (g % 10000), 'male'
       FROM generate_series(1, $1::int) g`,
      [TOTAL],
    );
    const [{ n: serverCount } = { n: 0 }] = await server.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM patients',
    );
    const { url } = await newProxy();
    const created = await server.createWorkstation({ name: 'Desk S', kind: 'reception' });
    const dir = newDir();
    let killedAt = -1;
    for (let attempt = 0; attempt < 3 && killedAt < 0; attempt++) {
      const child = runner({
        server: url,
        dataDir: dir,
        ...(attempt === 0 ? { code: created.enrollment_code } : {}),
        user: 'rec1',
        password: 'password-rec1',
        mode: 'sync',
      });
      const line = await child.waitFor(/^N [1-9]\d*$/, 60_000);
      const seen = Number(line.slice(2));
      await child.kill9();
      if (seen < serverCount) killedAt = seen;
    }
    expect(killedAt, 'killed while the snapshot was still being applied').toBeGreaterThan(0);

    const before = openLocalDatabase({ path: join(dir, 'workstation.db'), key: KEY });
    try {
      expect(before.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      before.close();
    }
    const ws = await startWorkstation({ server: url, dataDir: dir, key: KEY });
    try {
      await ws.drain(60_000);
      // A second connection to the file: the core hands out no SQL handle.
      const db = openLocalDatabase({ path: join(dir, 'workstation.db'), key: KEY }).sqlite;
      onTestFinished(() => {
        db.close();
      });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const local = (db.prepare('SELECT id FROM patients ORDER BY id').all() as { id: string }[]).map(
        (r) => r.id,
      );
      const remote = (
        await server.database.query<{ id: string }>('SELECT id::text AS id FROM patients ORDER BY id')
      ).map((r) => r.id);
      expect(local.length).toBe(remote.length);
      expect(new Set(local).size).toBe(local.length);
      expect(local).toEqual(remote);
    } finally {
      await ws.stop();
    }
    console.info(`workstation-kill: snapshot killed at ${killedAt}/${serverCount} rows, resumed to all rows`);
  }, 120_000);
});
