/**
 * Two sync server instances on one Postgres, behind a load balancer that sends each request to the
 * next instance in turn (here: a fetch that alternates between them, so every chunk of a snapshot,
 * every live poll and every upload changes instance). A new PC downloads 25,000 patients chunk by
 * chunk across both without being sent back to start its snapshot again, two PCs upload through
 * both and see each other's writes exactly once, and a PC revoked through one instance is refused by
 * the other at once, not when that instance's token cache would have let go of it. Instance a runs
 * in this process, instance b in its own (`npm run server`'s entry, the same keys).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkstation, type Workstation } from '../../main/core/workstation.ts';
import { type Child, freePort, spawnTs } from '../support/child.ts';
import { eventually } from '../support/eventually.ts';
import { unwrap } from '../support/result.ts';
import { ADMIN_PASSWORD, insertPatients, startTestServer, type TestServer } from '../support/server.ts';
import { inspect } from '../support/stations.ts';

describe('two server instances behind a round-robin balancer', () => {
  let a: TestServer;
  let b: { url: string; proc: Child };
  const dirs: string[] = [];
  const stations: Workstation[] = [];
  const dirOf = new Map<Workstation, string>();
  /** Requests each instance served, by kind. */
  const served = { a: { chunk: 0, live: 0, upload: 0 }, b: { chunk: 0, live: 0, upload: 0 } };

  beforeAll(async () => {
    a = await startTestServer();
    const port = await freePort();
    const proc = spawnTs('sync-server/cli.ts', [], {
      DATABASE_URL: a.databaseUrl as string,
      PORT: String(port),
      HMS_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // The keys of instance a (the test config's folder for this process): a token signed by one
      // instance is checked by the other.
      HMS_KEY_DIR: join(tmpdir(), `hms-test-keys-${process.pid}`),
      HMS_LOG_LEVEL: 'silent',
      HMS_AUTH_RATE_PER_MINUTE: '100000',
    });
    await proc.waitFor(/listening on/, 60_000);
    b = { url: `http://127.0.0.1:${port}`, proc };
    await a.createUser('rec1', 'receptionist');
    await a.createUser('rec2', 'receptionist');
    await insertPatients(a, 25_000, 'P-LB-', 'Balanced');
  }, 60_000);

  afterAll(async () => {
    for (const ws of stations) await ws.stop().catch(() => {});
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await b?.proc.stop();
    await a?.close();
  });

  /**
   * The balancer: each request to the next instance in turn, counted per endpoint and table, so a
   * snapshot's consecutive chunks always go to different instances.
   */
  const turns = new Map<string, number>();
  const balanced: typeof fetch = (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const key = `${url.pathname} ${url.searchParams.get('table') ?? ''}`;
    const turn = turns.get(key) ?? 0;
    turns.set(key, turn + 1);
    const to = turn % 2 === 0 ? 'a' : 'b';
    const target = new URL(to === 'a' ? a.url : b.url);
    url.host = target.host;
    const counts = served[to];
    if (url.pathname === '/v1/shape' && /_[1-9]\d*$/.test(url.searchParams.get('offset') ?? ''))
      counts.chunk++;
    if (url.pathname === '/v1/shape' && url.searchParams.get('live') === 'true') counts.live++;
    if (url.pathname === '/api/sync/mutations') counts.upload++;
    return fetch(url, init).then((res) => {
      // A 409 would send the PC back to the start of its snapshot: an instance that lost the plan.
      if (url.pathname === '/v1/shape' && res.status === 409) refetches++;
      return res;
    });
  };
  let refetches = 0;

  async function desk(name: string, user: string): Promise<Workstation> {
    const { enrollment_code } = await a.createWorkstation({ name, kind: 'reception' });
    const dir = mkdtempSync(join(tmpdir(), 'hms-lb-'));
    dirs.push(dir);
    const ws = await startWorkstation({
      server: a.url,
      dataDir: dir,
      key: 'lb-test-key',
      enrollmentCode: enrollment_code,
      fetch: balanced,
    });
    stations.push(ws);
    dirOf.set(ws, dir);
    unwrap(await ws.session.login(user, `password-${user}`));
    return ws;
  }

  it('serves one snapshot, chunk by chunk, from both instances, and the PC ends with every row', async () => {
    const ws = await desk('Front desk LB 1', 'rec1');
    await eventually(() => ws.status().firstSync === null, 'the first download', 90_000);
    const [{ n } = { n: 0 }] = await a.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM patients',
    );
    const file = inspect(dirOf.get(ws) as string, 'lb-test-key');
    try {
      expect(file.sqlite.prepare('SELECT count(*) AS n FROM patients').get()).toEqual({ n });
    } finally {
      file.close();
    }
    expect(n).toBeGreaterThanOrEqual(25_000);
    // Both instances served chunks of the same snapshots (SNAPSHOT_CHUNK is 10,000 rows), and
    // neither sent the PC back to start one again.
    expect(refetches).toBe(0);
    expect(served.a.chunk).toBeGreaterThan(0);
    expect(served.b.chunk).toBeGreaterThan(0);
  }, 120_000);

  it('uploads and live polls through both instances: each write lands once and reaches the other PC', async () => {
    const one = stations[0] as Workstation;
    const two = await desk('Front desk LB 2', 'rec2');
    await eventually(() => two.status().firstSync === null, 'the second PC downloaded', 90_000);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = unwrap(
        (i % 2 ? two : one).writes.insert('patients', {
          mrn: `P-LBW-${String(i).padStart(4, '0')}`,
          first_name: 'Lamin',
          last_name: `Roundrobin${i}`,
          date_of_birth: '1975-05-05',
          gender: 'male',
        }),
      );
      ids.push(String(r.id));
    }
    await one.drain(30_000);
    await two.drain(30_000);
    await eventually(
      () => ids.every((id) => one.get('patients', id) !== null && two.get('patients', id) !== null),
      'every write on both PCs',
      30_000,
    );
    const landed = await a.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM applied_mutations WHERE row_id = ANY($1::uuid[])',
      [ids],
    );
    expect(landed).toEqual([{ n: 30 }]);
    expect(served.a.upload + served.b.upload).toBeGreaterThan(1);
    expect(served.a.live).toBeGreaterThan(0);
    expect(served.b.live).toBeGreaterThan(0);
  }, 180_000);

  it('refuses a PC revoked through one instance on the other at once', async () => {
    const { id, token } = await a.enrol({ name: 'Desk to revoke', kind: 'reception' });
    const scope = (url: string) =>
      fetch(`${url}/api/sync/scope`, { headers: { authorization: `Bearer ${token}` } });
    // Both instances have seen the token, and cache it for 5 s.
    expect((await scope(a.url)).status).toBe(200);
    expect((await scope(b.url)).status).toBe(200);
    await a.admin('POST', `/api/workstations/${id}/revoke`);
    const revokedAt = Date.now();
    await eventually(
      async () => (await scope(b.url)).status === 401,
      'instance b refusing the revoked PC',
      4_000,
    );
    expect(Date.now() - revokedAt).toBeLessThan(4_000);
  });
});
