/**
 * Property test of the sync engine (issue 3 test 8; reliability 8): three workstations (two front
 * desks and an admin PC, all holding every patient) run random operations against one real server:
 * patient inserts (some re-using another desk's MRN), field updates from small value pools (so
 * conflicts are frequent), soft deletes (admin), multi-row units of work (two registrations and an
 * edit in one transaction: a re-used MRN in it refuses the whole unit), cutting and healing a PC's
 * network, restarting a PC, pauses that let sync interleave, and duplicate uploads (acknowledged
 * outbox entries marked pending again, as after a lost reply: the server sees the same mutation ids
 * twice).
 *
 * Then everything is healed and drained, and:
 * - no outbox entry is pending anywhere;
 * - every replica's patients equal Postgres's, every column (reception and admin PCs hold them all);
 * - every write a PC acknowledged has exactly one `applied_mutations` row on the server with the
 *   outcome the PC recorded; conflicts have their `sync_conflicts` rows, quarantines theirs; the only
 *   quarantines are the expected ones (a duplicate MRN, a change to a row whose insert was refused,
 *   or a write refused with the rest of its unit); a unit's writes share one outcome.
 *
 * Runs are bounded (HMS_PROP_RUNS, default 4; ≤ 18 operations) and seeded (HMS_PROP_SEED); a failure
 * prints the seed and the operation trace, and fast-check shrinks it. Each run works on its own MRN
 * prefix, so a shrinking re-run is judged on its own rows only.
 */
import fc from 'fast-check';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparable, type Row } from '../../db/primitives/index.ts';
import { type Mutation, SYNC_SCHEMA_VERSION } from '../../db/sync-contract.ts';
import { rowFromSqlite, syncedTableInfo } from '../../main/core/store/tables.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type Station, startStation } from '../support/stations.ts';

const SEED = Number(process.env.HMS_PROP_SEED ?? 20_240_611);
const RUNS = Number(process.env.HMS_PROP_RUNS ?? 4);
const MAX_OPS = 18;
const ADMIN = 2;
const NAMES = ['desk1', 'desk2', 'admin'] as const;

type StationIx = 0 | 1 | 2;
type Fields = { phone?: string; address?: string; next_of_kin_name?: string };
type Op =
  | { t: 'insert'; s: StationIx; reuseMrn: boolean }
  | { t: 'update'; s: StationIx; pick: number; fields: Fields }
  | { t: 'delete'; pick: number }
  | { t: 'unit'; s: StationIx; reuseMrn: boolean; pick: number; fields: Fields }
  | { t: 'cut'; s: StationIx }
  | { t: 'heal'; s: StationIx }
  | { t: 'restart'; s: StationIx }
  | { t: 'resend'; s: StationIx; n: number }
  | { t: 'pause'; ms: number };

const station = fc.constantFrom<StationIx>(0, 1, 2);
const fieldsArb: fc.Arbitrary<Fields> = fc
  .record(
    {
      phone: fc.constantFrom('+220 7000001', '+220 7000002', '+220 7000003'),
      address: fc.constantFrom('Bakau', 'Brikama', 'Farafenni'),
      next_of_kin_name: fc.constantFrom('Lamin Njie', 'Awa Ceesay'),
    },
    { requiredKeys: [] },
  )
  .filter((f) => Object.keys(f).length > 0);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constant('insert' as const), s: station, reuseMrn: fc.boolean() }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('update' as const),
      s: station,
      pick: fc.nat({ max: 7 }),
      fields: fieldsArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('delete' as const), pick: fc.nat({ max: 20 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('unit' as const),
      s: station,
      reuseMrn: fc.boolean(),
      pick: fc.nat({ max: 7 }),
      fields: fieldsArb,
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('cut' as const), s: station }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('heal' as const), s: station }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('restart' as const), s: station }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('resend' as const),
      s: station,
      n: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('pause' as const), ms: fc.constantFrom(50, 200, 600) }),
  },
);

const fmt = (op: Op): string => {
  switch (op.t) {
    case 'insert':
      return `insert@${NAMES[op.s]}${op.reuseMrn ? '(reuse mrn)' : ''}`;
    case 'update':
      return `update@${NAMES[op.s]}#${op.pick} ${JSON.stringify(op.fields)}`;
    case 'delete':
      return `delete@admin#${op.pick}`;
    case 'unit':
      return `unit@${NAMES[op.s]}${op.reuseMrn ? '(reuse mrn)' : ''} + update#${op.pick} ${JSON.stringify(op.fields)}`;
    case 'pause':
      return `pause ${op.ms}ms`;
    case 'resend':
      return `resend@${NAMES[op.s]} last ${op.n}`;
    default:
      return `${op.t}@${NAMES[op.s]}`;
  }
};

const info = syncedTableInfo('patients');
if (!info) throw new Error('patients is not a synced table');
const COLUMNS = [...info.columns.entries()];

/** A row in comparable form: every column normalised the way the server compares bases. */
const canonicalRow = (row: Row): Record<string, string> =>
  Object.fromEntries(COLUMNS.map(([name, meta]) => [name, comparable(meta.kind, row[name])]));

interface Written {
  mutationId: string;
  station: StationIx;
  op: 'insert' | 'update' | 'delete';
  rowId: string;
  mrn?: string;
  /** The unit of work it was written in, when that unit had several writes. */
  txId?: string;
}

describe('sync property: random operations, cuts, restarts and duplicate uploads converge', () => {
  let server: TestServer;
  const stations: Station[] = [];
  let run = 0;

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('prop_rec1', 'receptionist');
    await server.createUser('prop_rec2', 'receptionist');
    stations.push(await startStation(server, { name: 'Prop desk 1', kind: 'reception', user: 'prop_rec1' }));
    stations.push(await startStation(server, { name: 'Prop desk 2', kind: 'reception', user: 'prop_rec2' }));
    stations.push(await startStation(server, { name: 'Prop admin', kind: 'admin', user: 'admin' }));
    for (const s of stations) await s.ws.drain();
  });

  afterAll(async () => {
    for (const s of stations) await s.close();
    await server?.close();
  });

  const at = (i: StationIx): Station => stations[i] as Station;

  const lastMutationId = (s: Station): string =>
    (s.sqlite.prepare('SELECT id FROM outbox ORDER BY seq DESC LIMIT 1').get() as { id: string }).id;

  /** The last `n` outbox entries of a PC, oldest first. */
  const lastEntries = (s: Station, n: number) =>
    (
      s.sqlite
        .prepare('SELECT id, tx_id, operation, row_id FROM outbox ORDER BY seq DESC LIMIT ?')
        .all(n) as { id: string; tx_id: string; operation: Written['op']; row_id: string }[]
    ).reverse();

  const outboxSize = (s: Station): number =>
    (s.sqlite.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;

  /** This run's living patients on a PC, in a stable order. */
  const livePatients = (s: Station, prefix: string) =>
    s.sqlite
      .prepare(`SELECT id, mrn FROM patients WHERE mrn LIKE ? AND deleted_at IS NULL ORDER BY mrn, id`)
      .all(`${prefix}%`) as { id: string; mrn: string }[];

  async function execute(ops: readonly Op[], prefix: string, written: Written[], trace: string[]) {
    let n = 0;
    let lastMrn: { mrn: string; s: StationIx } | null = null;
    for (const op of ops) {
      const line = fmt(op);
      switch (op.t) {
        case 'insert': {
          const s = at(op.s);
          const reuse: string | null = op.reuseMrn && lastMrn && lastMrn.s !== op.s ? lastMrn.mrn : null;
          const mrn: string = reuse ?? `${prefix}${NAMES[op.s]}-${++n}`;
          const r = s.ws.writes.insert('patients', {
            mrn,
            first_name: 'Fatou',
            last_name: `Prop${n}`,
            date_of_birth: '1988-05-17',
            gender: 'female',
          });
          trace.push(`${line} mrn=${mrn} → ${r.ok ? 'ok' : r.error.code}`);
          if (r.ok) {
            written.push({
              mutationId: lastMutationId(s),
              station: op.s,
              op: 'insert',
              rowId: r.value.id as string,
              mrn,
            });
            lastMrn = { mrn, s: op.s };
          }
          break;
        }
        case 'update': {
          const s = at(op.s);
          const rows = livePatients(s, prefix);
          const target = rows[op.pick % Math.max(1, rows.length)];
          if (!target) {
            trace.push(`${line} → no patient`);
            break;
          }
          const before = outboxSize(s);
          const r = s.ws.writes.update('patients', target.id, op.fields);
          const made = r.ok && outboxSize(s) > before;
          trace.push(`${line} ${target.mrn} → ${r.ok ? (made ? 'ok' : 'no change') : r.error.code}`);
          if (made)
            written.push({ mutationId: lastMutationId(s), station: op.s, op: 'update', rowId: target.id });
          break;
        }
        case 'delete': {
          const s = at(ADMIN);
          const rows = livePatients(s, prefix);
          const target = rows[op.pick % Math.max(1, rows.length)];
          if (!target) {
            trace.push(`${line} → no patient`);
            break;
          }
          const r = s.ws.writes.softDelete('patients', target.id);
          trace.push(`${line} ${target.mrn} → ${r.ok ? 'ok' : r.error.code}`);
          if (r.ok)
            written.push({ mutationId: lastMutationId(s), station: ADMIN, op: 'delete', rowId: target.id });
          break;
        }
        case 'unit': {
          const s = at(op.s);
          const reuse: string | null = op.reuseMrn && lastMrn && lastMrn.s !== op.s ? lastMrn.mrn : null;
          const mrns = [reuse ?? `${prefix}${NAMES[op.s]}-${++n}`, `${prefix}${NAMES[op.s]}-${++n}`];
          const rows = livePatients(s, prefix);
          const target = rows[op.pick % Math.max(1, rows.length)];
          const before = outboxSize(s);
          const r = s.ws.writes.unit((w) => {
            for (const mrn of mrns)
              w.insert('patients', {
                mrn,
                first_name: 'Binta',
                last_name: 'Unit',
                date_of_birth: '1979-03-03',
                gender: 'female',
              });
            if (target) w.update('patients', target.id, op.fields);
          });
          const made = outboxSize(s) - before;
          trace.push(
            `${line} mrns=${mrns.join(',')} target=${target?.mrn ?? '-'} → ${r.ok ? `ok (${made} writes)` : r.error.code}`,
          );
          if (r.ok)
            for (const e of lastEntries(s, made))
              written.push({
                mutationId: e.id,
                station: op.s,
                op: e.operation,
                rowId: e.row_id,
                txId: e.tx_id,
              });
          break;
        }
        case 'cut':
          at(op.s).proxy.cut();
          trace.push(line);
          break;
        case 'heal':
          at(op.s).proxy.pass();
          trace.push(line);
          break;
        case 'restart': {
          const s = at(op.s);
          await s.stop();
          await s.restart();
          trace.push(line);
          break;
        }
        case 'resend': {
          // As if the replies to the last `n` uploads had been lost: the PC sends them again.
          const s = at(op.s);
          const again = s.sqlite
            .prepare(
              `UPDATE outbox SET status = 'pending', outcome = NULL, reason = NULL, acked_at = NULL
               WHERE id IN (SELECT id FROM outbox WHERE status = 'acked' ORDER BY seq DESC LIMIT ?)`,
            )
            .run(op.n).changes;
          trace.push(`${line} → ${again} re-queued`);
          break;
        }
        case 'pause':
          await new Promise((r) => setTimeout(r, op.ms));
          trace.push(line);
          break;
      }
    }
  }

  /** Patients every PC holds before the operations start, so edits can race from the first op. */
  async function seedRun(prefix: string) {
    await server.database.query(
      `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender)
       SELECT $1 || 'base-' || i, 'Base', 'Patient' || i, '1970-01-01', 'male' FROM generate_series(1, 3) i`,
      [prefix],
    );
    for (const s of stations) await s.ws.drain();
    for (const s of stations)
      if (livePatients(s, prefix).length !== 3) throw new Error(`base patients missing on ${s.id}`);
  }

  async function healAndDrain() {
    for (const s of stations) s.proxy.pass();
    for (let round = 0; round < 2; round++) for (const s of stations) await s.ws.drain(20_000);
  }

  async function check(prefix: string, written: readonly Written[]): Promise<void> {
    for (const [i, s] of stations.entries())
      expect(s.ws.status().outboxPending, `${NAMES[i]} has pending outbox entries`).toBe(0);

    // Replicas equal Postgres, every column. Shapes may deliver the last rows a moment after the
    // drain: wait a little for convergence, then compare for real.
    const serverRows = async () =>
      (
        await server.database.query<{ row: Row }>(
          `SELECT to_jsonb(p) AS row FROM patients p WHERE mrn LIKE $1 ORDER BY id`,
          [`${prefix}%`],
        )
      ).map((r) => canonicalRow(r.row));
    const localRowsOf = (s: Station) =>
      (
        s.sqlite.prepare(`SELECT * FROM patients WHERE mrn LIKE ? ORDER BY id`).all(`${prefix}%`) as Row[]
      ).map((raw) => canonicalRow(rowFromSqlite(info as NonNullable<typeof info>, raw)));
    const deadline = Date.now() + 5_000;
    for (;;) {
      const want = await serverRows();
      const equal = stations.every((s) => JSON.stringify(localRowsOf(s)) === JSON.stringify(want));
      if (equal || Date.now() > deadline) {
        for (const [i, s] of stations.entries()) {
          const have = localRowsOf(s);
          const diff: string[] = [];
          for (const w of want) {
            const h = have.find((r) => r.id === w.id);
            if (!h) diff.push(`missing ${w.mrn}`);
            else
              for (const [k, v] of Object.entries(w))
                if (h[k] !== v) diff.push(`${w.mrn}.${k}: local ${h[k]} server ${v}`);
          }
          for (const h of have) if (!want.some((w) => w.id === h.id)) diff.push(`extra ${h.mrn}`);
          expect(diff.join('; '), `${NAMES[i]} replica differs from Postgres`).toBe('');
        }
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }

    // Every acknowledged write has exactly one outcome on the server, the one the PC recorded.
    const ids = written.map((w) => w.mutationId);
    const applied = await server.database.query<{ mutation_id: string; outcome: string; n: number }>(
      `SELECT mutation_id, min(outcome) AS outcome, count(*)::int AS n FROM applied_mutations
       WHERE mutation_id = ANY($1) GROUP BY mutation_id`,
      [ids],
    );
    const byId = new Map(applied.map((a) => [a.mutation_id, a]));
    const conflicts = await server.database.query<{ mutation_id: string; n: number }>(
      `SELECT mutation_id, count(*)::int AS n FROM sync_conflicts WHERE mutation_id = ANY($1) GROUP BY mutation_id`,
      [ids],
    );
    const conflictCount = new Map(conflicts.map((c) => [c.mutation_id, c.n]));
    const quarantined = await server.database.query<{ mutation_id: string; reason: string; n: number }>(
      `SELECT mutation_id, min(reason) AS reason, count(*)::int AS n FROM quarantined_mutations
       WHERE mutation_id = ANY($1) GROUP BY mutation_id`,
      [ids],
    );
    const quarantine = new Map(quarantined.map((q) => [q.mutation_id, q]));
    const refusedInserts = new Set<string>();
    const unitRefusal = /refused with the rest of its unit of work/;
    for (const w of written) {
      const what = `${w.op} ${w.mutationId} from ${NAMES[w.station]}`;
      const local = at(w.station)
        .sqlite.prepare('SELECT status, outcome FROM outbox WHERE id = ?')
        .get(w.mutationId) as { status: string; outcome: string } | undefined;
      expect(local?.status, `${what}: acknowledged locally`).toBe('acked');
      const a = byId.get(w.mutationId);
      expect(a?.n, `${what}: exactly one applied_mutations row`).toBe(1);
      expect(a?.outcome, `${what}: server outcome = local outcome`).toBe(local?.outcome);
      if (a?.outcome === 'conflict')
        expect(conflictCount.get(w.mutationId) ?? 0, `${what}: conflict rows`).toBeGreaterThan(0);
      else expect(conflictCount.get(w.mutationId) ?? 0, `${what}: no conflict rows`).toBe(0);
      if (a?.outcome === 'quarantined') {
        const q = quarantine.get(w.mutationId);
        expect(q?.n, `${what}: one quarantine row`).toBe(1);
        if (w.op === 'insert') refusedInserts.add(w.rowId);
        if (w.txId && unitRefusal.test(q?.reason ?? '')) continue;
        if (w.op === 'insert') {
          expect(q?.reason, `${what}: only a duplicate MRN refuses an insert`).toMatch(/duplicate value/);
        } else {
          expect(q?.reason, `${what}: only a change to a refused insert is quarantined`).toMatch(
            /row does not exist on the server/,
          );
        }
      } else expect(quarantine.has(w.mutationId), `${what}: no quarantine row`).toBe(false);
    }
    // A unit has one fate: all its writes quarantined, or none.
    const units = new Map<string, Set<boolean>>();
    for (const w of written) {
      if (!w.txId) continue;
      const fates = units.get(w.txId) ?? new Set<boolean>();
      fates.add(byId.get(w.mutationId)?.outcome === 'quarantined');
      units.set(w.txId, fates);
    }
    for (const [tx, fates] of units) expect(fates.size, `unit ${tx}: all or none quarantined`).toBe(1);
    // Quarantined changes are to rows whose insert was refused (or went with their unit); refused
    // inserts exist nowhere.
    for (const w of written) {
      const a = byId.get(w.mutationId);
      if (
        a?.outcome === 'quarantined' &&
        w.op !== 'insert' &&
        !unitRefusal.test(quarantine.get(w.mutationId)?.reason ?? '')
      )
        expect(refusedInserts.has(w.rowId), `${w.op} ${w.mutationId} quarantined for a living row`).toBe(
          true,
        );
    }
    const survivors = await server.database.query<{ id: string }>(
      `SELECT id FROM patients WHERE id = ANY($1)`,
      [[...refusedInserts]],
    );
    expect(survivors).toEqual([]);
    // Each successful insert that was not refused is on the server, once.
    const insertedIds = written
      .filter((w) => w.op === 'insert' && !refusedInserts.has(w.rowId))
      .map((w) => w.rowId);
    const present = await server.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM patients WHERE id = ANY($1)`,
      [insertedIds],
    );
    expect(present[0]?.n).toBe(insertedIds.length);
    if (process.env.HMS_PROP_VERBOSE) {
      const outcomes: Record<string, number> = {};
      for (const a of applied) outcomes[a.outcome] = (outcomes[a.outcome] ?? 0) + 1;
      console.log(`${prefix} ${written.length} writes, outcomes ${JSON.stringify(outcomes)}`);
    }
  }

  it('concurrent batches locking the same rows in opposite orders queue up: no deadlock, nothing quarantined', async () => {
    // Found by the property below: two PCs' batches updating the same patients deadlocked in
    // Postgres (row locks vs the change-log lock), and the victim's mutation was quarantined
    // ("rejected by the database: 40P01") although nothing was wrong with it.
    const author = (
      await server.database.query<{ id: string }>(`SELECT id FROM users WHERE username = 'prop_rec1'`)
    )[0]?.id as string;
    const desks = await Promise.all(
      ['Lock desk A', 'Lock desk B'].map(async (name) => {
        const { token } = await server.enrol({ name, kind: 'reception' });
        return { token, grants: { [author]: await server.grant('prop_rec1', token) } };
      }),
    );
    const ids = (
      await server.database.query<{ id: string }>(
        `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender)
         SELECT 'LOCK-' || i, 'Lock', 'Test' || i, '1970-01-01', 'male' FROM generate_series(1, 30) i RETURNING id`,
      )
    ).map((r) => r.id);
    const post = async (desk: (typeof desks)[number], rows: string[], round: number, node: string) => {
      const mutations: Mutation[] = rows.map((id, i) => ({
        id: uuidv7(),
        tx_id: uuidv7(),
        table: 'patients',
        row_id: id,
        op: 'update',
        author_id: author,
        hlc: `${String(Date.now()).padStart(13, '0')}-${String(round * 100 + i).padStart(6, '0')}-${node}`,
        device_time: new Date().toISOString(),
        changes: {
          [node === 'a' ? 'phone' : 'address']: {
            base: round === 0 ? null : `${node}${round - 1}`,
            value: `${node}${round}`,
          },
        },
      }));
      const res = await fetch(`${server.url}/api/sync/mutations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${desk.token}` },
        body: JSON.stringify({ schema_version: SYNC_SCHEMA_VERSION, grants: desk.grants, mutations }),
      });
      return {
        status: res.status,
        body: (await res.json()) as { results?: { outcome: string; reason?: string }[] },
      };
    };
    for (let round = 0; round < 6; round++) {
      const [a, b] = await Promise.all([
        post(desks[0] as (typeof desks)[number], ids, round, 'a'),
        post(desks[1] as (typeof desks)[number], [...ids].reverse(), round, 'b'),
      ]);
      for (const r of [a, b]) {
        expect(r.status).toBe(200);
        expect(r.body.results?.filter((x) => x.outcome === 'quarantined')).toEqual([]);
      }
    }
    const q = await server.database.query(`SELECT 1 FROM quarantined_mutations WHERE row_id = ANY($1)`, [
      ids,
    ]);
    expect(q).toHaveLength(0);
  });

  it('every replica equals Postgres and every acknowledged write has exactly one recorded outcome', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: MAX_OPS, size: 'max' }), async (ops) => {
        const prefix = `PP${++run}-`;
        const written: Written[] = [];
        const trace: string[] = [];
        try {
          await seedRun(prefix);
          await execute(ops, prefix, written, trace);
          await healAndDrain();
          await check(prefix, written);
        } catch (e) {
          console.error(
            `sync property run ${prefix} failed (seed ${SEED}); trace:\n  ${trace.join('\n  ')}\n${e instanceof Error ? e.message : String(e)}`,
          );
          await healAndDrain().catch(() => {});
          throw e;
        }
      }),
      {
        seed: SEED,
        numRuns: RUNS,
        verbose: 1,
        interruptAfterTimeLimit: 240_000,
        markInterruptAsFailure: false,
      },
    );
  }, 300_000);
});
