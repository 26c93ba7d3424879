import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type MutationBatch, MutationSchema, SYNC_SCHEMA_VERSION } from '../../../db/sync-contract.ts';
import { TcpProxy } from '../../../test/support/tcp-proxy.ts';
import type { OutboxEntry } from '../store/outbox.ts';
import { json, makeWrites, newId, openTestDb, patient, type TestDb } from '../test-support.ts';
import { Uploader, type UploaderEvent } from './uploader.ts';

type Handler = (batch: MutationBatch) => Response | Promise<Response>;

function fakeServer(handler: Handler) {
  const batches: MutationBatch[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchFn = (async (_url: string | URL | Request, init?: RequestInit) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const batch = JSON.parse(String(init?.body)) as MutationBatch;
      batches.push(batch);
      await new Promise((r) => setTimeout(r, 5));
      return await handler(batch);
    } finally {
      inFlight--;
    }
  }) as typeof fetch;
  return { fetchFn, batches, maxInFlight: () => maxInFlight };
}

const applyAll: Handler = (b) =>
  json(200, { results: b.mutations.map((m) => ({ id: m.id, outcome: 'applied', version: 2 })) });

describe('uploader', () => {
  let t: TestDb;
  const doctor = { id: newId(), role: 'doctor' };
  beforeEach(() => {
    t = openTestDb();
    t.local.sqlite
      .prepare(
        `INSERT INTO offline_users (id, created_at, user_id, username, verifier, role, first_name, last_name, "grant", last_online_login_at)
         VALUES (?, ?, ?, 'doc', 'x', 'doctor', 'A', 'B', 'grant-grant-grant-1234', ?)`,
      )
      .run(newId(), new Date().toISOString(), doctor.id, new Date().toISOString());
  });
  afterEach(() => t.cleanup());

  const entries = () => t.local.sqlite.prepare('SELECT * FROM outbox ORDER BY seq').all() as OutboxEntry[];
  const make = (fetchFn: typeof fetch, events: UploaderEvent[] = [], batchSize = 200) =>
    new Uploader({
      sqlite: t.local.sqlite,
      outbox: t.outbox,
      server: 'http://server',
      token: 'tok',
      fetch: fetchFn,
      onEvent: (e) => events.push(e),
      batchSize,
      periodMs: 60_000,
    });

  it('uploads pending entries in seq order, in batches, with grants, and marks them acked', async () => {
    const { writes } = makeWrites(t, doctor);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = writes.insert('patients', patient());
      if (r.ok) ids.push(r.value.id as string);
    }
    expect(writes.update('patients', ids[0] as string, { phone: '1' }).ok).toBe(true);
    const server = fakeServer(applyAll);
    const up = make(server.fetchFn, [], 4);
    await up.runNow();
    expect(server.batches.map((b) => b.mutations.length)).toEqual([4, 2]);
    const sent = server.batches.flatMap((b) => b.mutations).map((m) => MutationSchema.parse(m));
    expect(sent.map((m) => m.id)).toEqual(entries().map((e) => e.id));
    expect(sent[0]).toMatchObject({ op: 'insert', table: 'patients', author_id: doctor.id });
    expect(sent[0]?.data?.id).toBe(ids[0]);
    expect(sent[5]).toMatchObject({
      op: 'update',
      changes: { phone: { base: null, value: '1' } },
      base_version: 1,
    });
    expect(server.batches[0]?.grants).toEqual({ [doctor.id]: 'grant-grant-grant-1234' });
    expect(server.batches[0]?.schema_version).toBe(SYNC_SCHEMA_VERSION);
    expect(entries().every((e) => e.status === 'acked' && e.outcome === 'applied' && e.acked_at)).toBe(true);
    await up.stop();
  });

  it('retries after a network error and never has two uploads in flight', async () => {
    const { writes } = makeWrites(t, doctor);
    writes.insert('patients', patient());
    let fail = 2;
    const server = fakeServer((b) => {
      if (fail-- > 0) throw new TypeError('fetch failed');
      return applyAll(b);
    });
    const events: UploaderEvent[] = [];
    const up = make(server.fetchFn, events);
    up.start();
    for (let i = 0; i < 10; i++) up.kick();
    const deadline = Date.now() + 5_000;
    while (entries().some((e) => e.status === 'pending') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(entries()[0]?.status).toBe('acked');
    expect(server.maxInFlight()).toBe(1);
    expect(events.some((e) => e.type === 'offline')).toBe(true);
    // Every attempt carried the same mutation id: the server dedups a retried batch.
    expect(new Set(server.batches.map((b) => b.mutations[0]?.id)).size).toBe(1);
    await up.stop();
  });

  it('stops on 401 (revoked) and on 409 schema_version (update required), keeping the outbox', async () => {
    const { writes } = makeWrites(t, doctor);
    writes.insert('patients', patient());
    for (const [status, body, kind] of [
      [401, { error: 'workstation_unauthorized' }, 'revoked'],
      [409, { error: 'schema_version' }, 'update_required'],
      [409, { error: 'schema_version' }, 'update_required'],
    ] as const) {
      const events: UploaderEvent[] = [];
      const up = make(fakeServer(() => json(status, body)).fetchFn, events);
      await up.runNow();
      expect(up.blocked).toBe(kind);
      expect(events.map((e) => e.type)).toContain(kind);
      expect(entries()[0]?.status).toBe('pending');
      await up.stop();
    }
  });

  it('records outcomes and reasons; a quarantined change is undone locally, kept in the outbox', async () => {
    const { writes } = makeWrites(t, doctor);
    const p = writes.insert('patients', patient({ phone: '1' }));
    if (!p.ok) throw new Error('setup');
    const id = p.value.id as string;
    await make(fakeServer(applyAll).fetchFn).runNow();
    expect(writes.update('patients', id, { phone: '2' }).ok).toBe(true);
    const q = writes.insert('patients', patient());
    if (!q.ok) throw new Error('setup');
    const server = fakeServer((b) =>
      json(200, {
        results: b.mutations.map((m) => ({
          id: m.id,
          outcome: 'quarantined',
          reason: 'doctor may not do that',
        })),
      }),
    );
    const events: UploaderEvent[] = [];
    await make(server.fetchFn, events).runNow();
    const all = entries();
    expect(all.slice(1).map((e) => [e.status, e.outcome, e.reason])).toEqual([
      ['acked', 'quarantined', 'doctor may not do that'],
      ['acked', 'quarantined', 'doctor may not do that'],
    ]);
    const row = t.local.sqlite.prepare('SELECT phone FROM patients WHERE id = ?').get(id) as {
      phone: string;
    };
    expect(row.phone).toBe('1');
    expect(t.local.sqlite.prepare('SELECT 1 FROM patients WHERE id = ?').get(q.value.id)).toBeUndefined();
    expect(events.find((e) => e.type === 'acked')).toMatchObject({ reverted: ['patients'] });
  });

  it('keeps up to eight batches on the wire, each naming the last write of the one before, and settles them in order', async () => {
    const { writes } = makeWrites(t, doctor);
    for (let i = 0; i < 20; i++) writes.insert('patients', patient());
    const applied: string[] = [];
    const server = fakeServer(async (b) => {
      await new Promise((r) => setTimeout(r, 20));
      applied.push(...b.mutations.map((m) => m.id));
      return applyAll(b);
    });
    const up = make(server.fetchFn, [], 2);
    await up.runNow();
    expect(entries().every((e) => e.status === 'acked')).toBe(true);
    expect(server.maxInFlight()).toBe(8);
    expect(server.batches).toHaveLength(10);
    // The first batch of the pass follows nothing; every later one names its predecessor's last write.
    expect(server.batches[0]?.after).toBeUndefined();
    for (let k = 1; k < server.batches.length; k++)
      expect(server.batches[k]?.after).toBe(server.batches[k - 1]?.mutations.at(-1)?.id);
    expect(applied).toEqual(entries().map((e) => e.id));
    await up.stop();
  });

  it('abandons the batches behind a head that failed; they go again, in order, from the oldest write', async () => {
    const { writes } = makeWrites(t, doctor);
    for (let i = 0; i < 8; i++) writes.insert('patients', patient());
    let first = true;
    const server = fakeServer(async (b) => {
      await new Promise((r) => setTimeout(r, 10));
      if (first) {
        first = false;
        throw new TypeError('fetch failed');
      }
      return applyAll(b);
    });
    const up = make(server.fetchFn, [], 2);
    up.start();
    const deadline = Date.now() + 5_000;
    while (entries().some((e) => e.status === 'pending') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(entries().every((e) => e.status === 'acked')).toBe(true);
    // After the failure, the next pass starts again from the oldest write, with nothing before it.
    const restart = server.batches.findIndex((b, k) => k > 0 && b.after === undefined);
    expect(restart).toBeGreaterThan(0);
    expect(server.batches[restart]?.mutations[0]?.id).toBe(entries()[0]?.id);
    await up.stop();
  });

  it('a results list missing some mutations leaves those pending for the next pass', async () => {
    const { writes } = makeWrites(t, doctor);
    writes.insert('patients', patient());
    writes.insert('patients', patient());
    const server = fakeServer((b) =>
      json(200, { results: [{ id: b.mutations[0]?.id, outcome: 'applied' }] }),
    );
    const up = make(server.fetchFn);
    await up.runNow();
    expect(entries().map((e) => e.status)).toEqual(['acked', 'acked']);
    expect(server.batches.map((b) => b.mutations.length)).toEqual([2, 1]);
    await up.stop();
  });

  it('a local write does not bypass the back-off after a failed upload', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const { writes } = makeWrites(t, doctor);
      let calls = 0;
      const failing = (async () => {
        calls++;
        throw new TypeError('fetch failed');
      }) as typeof fetch;
      const up = make(failing);
      expect(writes.insert('patients', patient()).ok).toBe(true);
      await up.runNow(); // fails: a retry is scheduled with back-off (125–250 ms)
      expect(calls).toBe(1);
      // Twenty writes inside the back-off window: each kicks the uploader, none may send early.
      for (let i = 0; i < 20; i++) {
        expect(writes.insert('patients', patient()).ok).toBe(true);
        up.kick();
      }
      await vi.advanceTimersByTimeAsync(100);
      expect(calls).toBe(1);
      // The back-off retry itself still comes, and takes them all.
      await vi.advanceTimersByTimeAsync(200);
      expect(calls).toBe(2);
      await up.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends a batch again at once when its kept connection died with the network, without backing off', async () => {
    // A real server behind a proxy, and the real fetch with its connection pool.
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => {
        text += c;
      });
      req.on('end', () => {
        const batch = JSON.parse(text) as MutationBatch;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            results: batch.mutations.map((m) => ({ id: m.id, outcome: 'applied', version: 1 })),
          }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const proxy = new TcpProxy((server.address() as AddressInfo).port);
    const url = await proxy.start();
    const events: UploaderEvent[] = [];
    const up = new Uploader({
      sqlite: t.local.sqlite,
      outbox: t.outbox,
      server: url,
      token: 'tok',
      onEvent: (e) => events.push(e),
      batchSize: 10,
      periodMs: 60_000,
    });
    try {
      const { writes } = makeWrites(t, doctor);
      for (let i = 0; i < 80; i++) writes.insert('patients', patient());
      await up.runNow(); // eight batches on the wire: kept-alive connections left in the pool
      expect(entries().filter((e) => e.status !== 'acked')).toEqual([]);
      // The link drops while the PC is busy writing, and comes back before this process has noticed:
      // the pooled sockets are dead. One pass still sends everything, with no back-off.
      proxy.cut();
      for (let i = 0; i < 300; i++) writes.insert('patients', patient());
      proxy.delay(20);
      await up.runNow();
      expect(entries().filter((e) => e.status !== 'acked')).toEqual([]);
      expect(events.filter((e) => e.type === 'offline')).toEqual([]);
    } finally {
      await up.stop();
      await proxy.stop();
      await new Promise((r) => server.close(r));
    }
  });
});
