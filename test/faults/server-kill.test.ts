/**
 * kill -9 of the sync server mid-batch (issue 3 test 6; reliability 6): the real server in a child
 * process (`sync-server/cli.ts`, as `npm run server`), two senders posting large mutation batches
 * back to back, SIGKILL while batches are being applied, twice. After each restart: every batch is
 * all-or-nothing in Postgres and every batch answered 200 is fully there. Finally the unanswered
 * batches are re-sent and each mutation ends up applied exactly once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mutation, SYNC_SCHEMA_VERSION } from '../../db/sync-contract.ts';
import { type Child, freePort, sleep, spawnTs } from '../support/child.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { ADMIN_PASSWORD, startTestServer } from '../support/server.ts';

const BATCH = 300;

interface Batch {
  n: number;
  mutations: Mutation[];
  /** `acked` once a 200 came back with every mutation applied. */
  state: 'new' | 'in-flight' | 'acked' | 'failed';
}

const keyDir = mkdtempSync(join(tmpdir(), 'hms-keys-'));

describe('kill -9 of the sync server', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  let token: string;
  let grants: Record<string, string>;
  let author: string;
  let port: number;
  let serverProc: Child | null = null;
  let counter = 0;

  const startServer = async () => {
    serverProc = spawnTs('sync-server/cli.ts', [], {
      DATABASE_URL: db.url,
      PORT: String(port),
      HMS_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // The server's keys in a folder of the test's own, never the working copy's ./data.
      HMS_KEY_DIR: keyDir,
      HMS_LOG_LEVEL: 'silent',
      // Every client of this test comes from loopback: lift the per-client sign-in limit.
      HMS_AUTH_RATE_PER_MINUTE: '100000',
    });
    await serverProc.waitFor(/listening on/, 60_000);
  };

  const makeBatch = (n: number): Batch => {
    const mutations: Mutation[] = [];
    for (let i = 0; i < BATCH; i++) {
      const ms = Date.now();
      mutations.push({
        id: uuidv7(),
        tx_id: uuidv7(),
        table: 'patients',
        row_id: uuidv7(),
        op: 'insert',
        author_id: author,
        hlc: `${String(ms).padStart(13, '0')}-${String(counter++ % 999999).padStart(6, '0')}-k`,
        device_time: new Date(ms).toISOString(),
        data: {
          mrn: `SK-${n}-${i}`,
          first_name: 'Musa',
          last_name: 'Bah',
          date_of_birth: '1988-05-05',
          gender: 'male',
        },
      });
    }
    return { n, mutations, state: 'new' };
  };

  const send = async (b: Batch): Promise<void> => {
    b.state = 'in-flight';
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/sync/mutations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ schema_version: SYNC_SCHEMA_VERSION, grants, mutations: b.mutations }),
        signal: AbortSignal.timeout(20_000),
      });
      const body = (await res.json()) as { results?: { outcome: string }[] };
      b.state =
        res.status === 200 &&
        body.results?.length === BATCH &&
        body.results.every((r) => r.outcome === 'applied')
          ? 'acked'
          : 'failed';
    } catch {
      b.state = 'failed';
    }
  };

  /** Per batch: how many of its mutation ids Postgres recorded, and how many of its patients exist. */
  const presence = async (batches: readonly Batch[]) => {
    const ids = batches.flatMap((b) => b.mutations.map((m) => m.id));
    const applied = new Set(
      (
        await client.query<{ id: string }>(
          'SELECT mutation_id::text AS id FROM applied_mutations WHERE mutation_id = ANY($1::uuid[])',
          [ids],
        )
      ).rows.map((r) => r.id),
    );
    const rows = new Map(
      (
        await client.query<{ mrn: string; n: number }>(
          `SELECT mrn, count(*)::int AS n FROM patients WHERE mrn LIKE 'SK-%' GROUP BY mrn`,
        )
      ).rows.map((r) => [r.mrn, r.n]),
    );
    return batches.map((b) => ({
      batch: b.n,
      state: b.state,
      mutations: b.mutations.filter((m) => applied.has(m.id)).length,
      patients: b.mutations.reduce((s, m) => s + (rows.get(String(m.data?.mrn)) ?? 0), 0),
    }));
  };

  beforeAll(async () => {
    db = await createTestDatabase('hms_fault');
    client = new pg.Client({ connectionString: db.url });
    // Users, the workstation and its grant are made through an in-process server, then it stops.
    const setup = await startTestServer({ url: db.url });
    author = await setup.createUser('rec1', 'receptionist');
    const ws = await setup.enrol({ name: 'Desk SK', kind: 'reception' });
    token = ws.token;
    grants = { [author]: await setup.grant('rec1', ws.token) };
    await setup.stop();
    await client.connect();
    port = await freePort();
  });
  afterAll(async () => {
    await serverProc?.kill9();
    await client?.end();
    await db?.drop();
  });

  it('applies each batch fully or not at all, keeps every acknowledged batch, and applies a re-sent batch once', async () => {
    const all: Batch[] = [];
    let inFlightAtKill = 0;
    let openAtKill = 0;
    for (let round = 0; round < 2; round++) {
      await startServer();
      const base = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_mutations'))
        .rows[0]?.n as number;
      let stopSending = false;
      const lane = async () => {
        while (!stopSending) {
          const b = makeBatch(all.length);
          all.push(b);
          await send(b);
        }
      };
      const lanes = [lane(), lane()];
      // Kill once a few batches have committed, at a random moment while the next ones are applied.
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        const n = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_mutations'))
          .rows[0]?.n as number;
        if (n - base >= BATCH * (1 + round)) break;
        await sleep(20);
      }
      await sleep(Math.floor(Math.random() * 150));
      // Kill while the server has a transaction open (a batch being applied), as seen by Postgres.
      const openUntil = Date.now() + 5_000;
      while (Date.now() < openUntil) {
        const open = (
          await client.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
          )
        ).rows[0]?.n as number;
        if (open > 0) {
          openAtKill++;
          break;
        }
        await sleep(2);
      }
      stopSending = true;
      inFlightAtKill += all.filter((b) => b.state === 'in-flight').length;
      await serverProc?.kill9();
      await Promise.all(lanes);

      const after = await presence(all);
      for (const p of after) {
        expect([0, BATCH], `batch ${p.batch} all-or-nothing`).toContain(p.mutations);
        expect(p.patients, `batch ${p.batch} rows match its mutations`).toBe(p.mutations);
        if (p.state === 'acked') expect(p.mutations, `acknowledged batch ${p.batch}`).toBe(BATCH);
      }
    }
    expect(inFlightAtKill, 'batches were in flight at the kills').toBeGreaterThan(0);
    expect(openAtKill, 'a kill landed while a batch transaction was open').toBeGreaterThan(0);
    const unacked = all.filter((b) => b.state !== 'acked');
    expect(unacked.length).toBeGreaterThan(0);
    const committedUnacked = (await presence(unacked)).filter((p) => p.mutations === BATCH).length;

    // Heal: restart, re-send every unacknowledged batch and one acknowledged one.
    await startServer();
    const again = [...unacked, ...all.filter((b) => b.state === 'acked').slice(0, 1)];
    for (const b of again) {
      await send(b);
      expect(b.state, `re-sent batch ${b.n}`).toBe('acked');
    }
    const final = await presence(all);
    expect(final.filter((p) => p.mutations !== BATCH || p.patients !== BATCH)).toEqual([]);
    const total = (
      await client.query<{ n: number; d: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT mrn)::int AS d FROM patients WHERE mrn LIKE 'SK-%'`,
      )
    ).rows[0];
    expect(total).toEqual({ n: all.length * BATCH, d: all.length * BATCH });
    await serverProc?.stop();
    console.info(
      `server-kill: ${all.length} batches of ${BATCH}, ${inFlightAtKill} in flight at 2 kills (${openAtKill} with a transaction open), ` +
        `${unacked.length} unanswered (${committedUnacked} of them committed before the kill), all applied once after re-sending`,
    );
  }, 120_000);
});
