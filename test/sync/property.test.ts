/**
 * Property test of the sync engine (issue 3 test 8; reliability 8): six workstations against one
 * real server. Three write patients (two front desks and an admin PC, all holding every patient);
 * a ward PC, a pharmacy and a lab hold only what their scopes give them. Random operations: patient
 * inserts (some re-using another desk's MRN), field updates from small value pools (so conflicts are
 * frequent), soft deletes (admin), multi-row units of work (two registrations and an edit in one
 * transaction: a re-used MRN in it refuses the whole unit), transfers between wards and discharges
 * (admin), prescriptions and lab orders made and withdrawn elsewhere (they bring patients to the
 * pharmacy and the lab, and take them away), notifications and tasks for users, users signing in on
 * a PC for the first time (their notifications and tasks must follow them there), cutting and
 * healing a PC's network, restarting a PC, pauses that let sync interleave, and duplicate uploads
 * (acknowledged outbox entries marked pending again, as after a lost reply: the server sees the
 * same mutation ids twice).
 *
 * Then everything is healed and drained, and:
 * - no outbox entry is pending anywhere;
 * - the writing PCs' patients equal Postgres's, every column (reception and admin PCs hold them all);
 * - every PC holds exactly what its scope gives it, in every table of that scope, column by column,
 *   and nothing outside it (issue 9; `test/support/convergence.ts`);
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
import { awaitConvergence, describeDifferences, scopeDifferences } from '../support/convergence.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type Station, startStation } from '../support/stations.ts';

const SEED = Number(process.env.HMS_PROP_SEED ?? 20_240_611);
const RUNS = Number(process.env.HMS_PROP_RUNS ?? 4);
const MAX_OPS = 18;
const ADMIN = 2;
const NAMES = ['desk1', 'desk2', 'admin', 'ward', 'pharmacy', 'lab'] as const;
/** Who each PC starts with (and signs in again after a restart). */
const STATION_USERS = ['prop_rec1', 'prop_rec2', 'admin', 'prop_nurse', 'prop_pharm', 'prop_lab'] as const;
/** The PCs that write patients, and so hold them all. */
const WRITERS = [0, 1, 2] as const;

/** A PC that writes patients. */
type StationIx = 0 | 1 | 2;
type AnyStationIx = 0 | 1 | 2 | 3 | 4 | 5;
/** The role a run's new user has when signing in at a PC for the first time. */
const SIGNIN_ROLE = {
  0: 'receptionist',
  1: 'receptionist',
  3: 'nurse',
  4: 'pharmacist',
  5: 'lab_technician',
} as const;
type SigninIx = keyof typeof SIGNIN_ROLE;
type RunRole = (typeof SIGNIN_ROLE)[SigninIx];
const RUN_ROLES: readonly RunRole[] = ['receptionist', 'nurse', 'pharmacist', 'lab_technician'];
type Fields = { phone?: string; address?: string; next_of_kin_name?: string };
type Op =
  | { t: 'insert'; s: StationIx; reuseMrn: boolean }
  | { t: 'update'; s: StationIx; pick: number; fields: Fields }
  | { t: 'delete'; pick: number }
  | { t: 'unit'; s: StationIx; reuseMrn: boolean; pick: number; fields: Fields }
  | { t: 'ward'; pick: number; to: 0 | 1 | null }
  | { t: 'order'; lab: boolean; pick: number }
  | { t: 'unorder'; lab: boolean; pick: number }
  | { t: 'notify'; who: number; task: boolean; pick: number }
  | { t: 'signin'; s: SigninIx }
  | { t: 'cut'; s: AnyStationIx }
  | { t: 'heal'; s: AnyStationIx }
  | { t: 'restart'; s: AnyStationIx }
  | { t: 'resend'; s: StationIx; n: number }
  | { t: 'pause'; ms: number };

const station = fc.constantFrom<StationIx>(0, 1, 2);
const anyStation = fc.constantFrom<AnyStationIx>(0, 1, 2, 3, 4, 5);
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

const signinArb = fc.record({
  t: fc.constant('signin' as const),
  s: fc.constantFrom<SigninIx>(0, 1, 3, 4, 5),
});

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
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('ward' as const),
      pick: fc.nat({ max: 7 }),
      to: fc.constantFrom<0 | 1 | null>(0, 1, null),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('order' as const), lab: fc.boolean(), pick: fc.nat({ max: 7 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('unorder' as const), lab: fc.boolean(), pick: fc.nat({ max: 7 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('notify' as const),
      who: fc.nat({ max: RUN_ROLES.length }),
      task: fc.boolean(),
      pick: fc.nat({ max: 7 }),
    }),
  },
  { weight: 1, arbitrary: signinArb },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('cut' as const), s: anyStation }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('heal' as const), s: anyStation }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('restart' as const), s: anyStation }) },
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
    case 'ward':
      return `ward@admin#${op.pick} → ${op.to === null ? 'discharged' : `ward ${'AB'[op.to]}`}`;
    case 'order':
      return `${op.lab ? 'lab order' : 'prescription'}@server#${op.pick}`;
    case 'unorder':
      return `withdraw ${op.lab ? 'lab order' : 'prescription'}@server#${op.pick}`;
    case 'notify':
      return `${op.task ? 'task' : 'notification'}@server for ${RUN_ROLES[op.who] ?? 'prop_pharm'}`;
    case 'signin':
      return `signin@${NAMES[op.s]} (new ${SIGNIN_ROLE[op.s]})`;
    case 'pause':
      return `pause ${op.ms}ms`;
    case 'resend':
      return `resend@${NAMES[op.s]} last ${op.n}`;
    default:
      return `${op.t}@${NAMES[op.s]}`;
  }
};

/**
 * A run's operations, with at least one first sign-in somewhere among them: moving a user's rows
 * onto a PC is what the scope check exists for (issue 9), too important to leave to chance.
 */
const runArb: fc.Arbitrary<Op[]> = fc
  .tuple(fc.array(opArb, { minLength: 1, maxLength: MAX_OPS - 1, size: 'max' }), signinArb, fc.nat())
  .map(([ops, signin, at]) => {
    const i = at % (ops.length + 1);
    return [...ops.slice(0, i), signin, ...ops.slice(i)];
  });

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
  let wards: [string, string];
  let doctor: string;
  /**
   * This run's users, one per role, each signed in nowhere until a `signin` and created when an
   * operation first names them (with notifications and a task already waiting for them).
   */
  let runUsers: Partial<Record<RunRole, Promise<{ name: string; id: string }>>> = {};
  let runTag = '';
  let pharmacist: string;
  /** PCs whose network is cut (a first sign-in is impossible there). */
  const offline = new Set<AnyStationIx>();
  /**
   * Convergence differences left by a failed run. The state outlives the run: later runs (fast-check's
   * shrinking among them) are judged on new differences only, so a shrunk counterexample reproduces
   * the failure instead of inheriting it.
   */
  const knownDifferences = new Set<string>();

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('prop_rec1', 'receptionist');
    await server.createUser('prop_rec2', 'receptionist');
    await server.createUser('prop_nurse', 'nurse');
    pharmacist = await server.createUser('prop_pharm', 'pharmacist');
    await server.createUser('prop_lab', 'lab_technician');
    doctor = await server.createUser('prop_doc', 'doctor');
    const rows = await server.database.query<{ id: string }>(
      `INSERT INTO wards (name, code, ward_type, capacity) VALUES ('Prop A', 'PRA', 'general', 20),
         ('Prop B', 'PRB', 'surgical', 20) RETURNING id`,
    );
    wards = [rows[0]?.id as string, rows[1]?.id as string];
    const user = (i: AnyStationIx) => STATION_USERS[i];
    stations.push(await startStation(server, { name: 'Prop desk 1', kind: 'reception', user: user(0) }));
    stations.push(await startStation(server, { name: 'Prop desk 2', kind: 'reception', user: user(1) }));
    stations.push(await startStation(server, { name: 'Prop admin', kind: 'admin', user: user(2) }));
    for (const s of stations) await s.ws.drain();
  });

  /** The ward, pharmacy and lab PCs, started for the property only (the other test needs none). */
  async function startScopedStations() {
    if (stations.length > 3) return;
    const user = (i: AnyStationIx) => STATION_USERS[i];
    stations.push(
      ...(await Promise.all([
        startStation(server, { name: 'Prop ward A', kind: 'ward', ward_id: wards[0], user: user(3) }),
        startStation(server, { name: 'Prop pharmacy', kind: 'pharmacy', user: user(4) }),
        startStation(server, { name: 'Prop lab', kind: 'lab', user: user(5) }),
      ])),
    );
    await Promise.all(stations.map((s) => s.ws.drain()));
  }

  /**
   * A write made in Postgres away from the PCs (a doctor's order, a server job's task). It can
   * deadlock with an upload batch: the batch takes the change-log lock first and then locks the
   * patient row, while this statement's foreign-key check locks the patient row before its change-log
   * trigger asks for that lock. Postgres aborts one of the two; when it is this one, it is retried,
   * as any writer must (the batch side retries by itself).
   */
  async function serverWrite(sql: string, params: unknown[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await server.database.query(sql, params);
        return;
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (code !== '40P01' || attempt >= 5) throw e;
      }
    }
  }

  /** A run user of `role`, created on first use with two notifications and a task waiting. */
  function runUser(role: RunRole): Promise<{ name: string; id: string }> {
    const existing = runUsers[role];
    if (existing) return existing;
    const created = (async () => {
      const name = `${runTag}_${role}`;
      const id = await server.createUser(name, role);
      await serverWrite(
        `INSERT INTO notifications (user_id, title, message, notification_type)
         SELECT $1, 'Waiting ' || i, 'x', 'info' FROM generate_series(1, 2) i`,
        [id],
      );
      await serverWrite(
        `INSERT INTO tasks (title, assigned_to, priority) VALUES ('Waiting task', $1, 'normal')`,
        [id],
      );
      return { name, id };
    })();
    runUsers[role] = created;
    return created;
  }

  afterAll(async () => {
    for (const s of stations) await s.close();
    await server?.close();
  });

  const at = (i: AnyStationIx): Station => stations[i] as Station;

  const replicas = () => stations.map((s, i) => ({ name: NAMES[i] ?? s.id, id: s.id, sqlite: s.sqlite }));

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

  /** This run's living patients in Postgres (what work done away from the PCs is about). */
  const serverPatients = async (prefix: string) =>
    server.database.query<{ id: string; mrn: string }>(
      `SELECT id::text AS id, mrn FROM patients WHERE mrn LIKE $1 AND deleted_at IS NULL ORDER BY mrn, id`,
      [`${prefix}%`],
    );

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
        case 'ward': {
          // Admitting, transferring and discharging move a patient's chart onto and off the ward PC.
          const s = at(ADMIN);
          const rows = livePatients(s, prefix);
          const target = rows[op.pick % Math.max(1, rows.length)];
          if (!target) {
            trace.push(`${line} → no patient`);
            break;
          }
          const before = outboxSize(s);
          const r = s.ws.writes.update('patients', target.id, {
            ward_id: op.to === null ? null : wards[op.to],
          });
          const made = r.ok && outboxSize(s) > before;
          trace.push(`${line} ${target.mrn} → ${r.ok ? (made ? 'ok' : 'no change') : r.error.code}`);
          if (made)
            written.push({ mutationId: lastMutationId(s), station: ADMIN, op: 'update', rowId: target.id });
          break;
        }
        case 'order': {
          // Ordered by a doctor elsewhere: the patient joins the pharmacy's (or the lab's) scope.
          const rows = await serverPatients(prefix);
          const target = rows[op.pick % Math.max(1, rows.length)];
          if (!target) {
            trace.push(`${line} → no patient`);
            break;
          }
          await serverWrite(
            op.lab
              ? `INSERT INTO lab_orders (patient_id, ordered_by, test_name) VALUES ($1, $2, 'Full blood count')`
              : `INSERT INTO prescriptions (patient_id, prescriber_id, medication_name, dosage, frequency)
                 VALUES ($1, $2, 'Amoxicillin', '500 mg', 'tds')`,
            [target.id, doctor],
          );
          trace.push(`${line} ${target.mrn}`);
          break;
        }
        case 'unorder': {
          // Withdrawn outright (plain SQL): a patient without another order leaves that scope.
          const table = op.lab ? 'lab_orders' : 'prescriptions';
          const orders = await server.database.query<{ id: string; mrn: string }>(
            `SELECT o.id::text AS id, p.mrn FROM ${table} o JOIN patients p ON p.id = o.patient_id
             WHERE p.mrn LIKE $1 ORDER BY o.id`,
            [`${prefix}%`],
          );
          const target = orders[op.pick % Math.max(1, orders.length)];
          if (!target) {
            trace.push(`${line} → no order`);
            break;
          }
          await serverWrite(`DELETE FROM ${table} WHERE id = $1`, [target.id]);
          trace.push(`${line} ${target.mrn}`);
          break;
        }
        case 'notify': {
          const role = RUN_ROLES[op.who];
          const user = role ? (await runUser(role)).id : pharmacist;
          if (op.task) {
            // About one of the run's patients: a ward PC holds it through the patient too.
            const rows = await serverPatients(prefix);
            const patient = rows[op.pick % Math.max(1, rows.length)];
            await serverWrite(
              `INSERT INTO tasks (title, assigned_to, patient_id, priority) VALUES ('Prop task', $1, $2, 'high')`,
              [user, patient?.id ?? null],
            );
          } else
            await serverWrite(
              `INSERT INTO notifications (user_id, title, message, notification_type)
               VALUES ($1, 'Prop notice', 'x', 'task')`,
              [user],
            );
          trace.push(line);
          break;
        }
        case 'signin': {
          // A user's first sign-in on this PC: their existing notifications and tasks must move in.
          // A first sign-in needs the server, so the PC's link comes back first.
          const s = at(op.s);
          if (offline.delete(op.s)) {
            s.proxy.pass();
            trace.push(`heal@${NAMES[op.s]} (to sign in)`);
          }
          const user = await runUser(SIGNIN_ROLE[op.s]);
          s.ws.session.logout();
          const r = await s.ws.session.login(user.name, `password-${user.name}`);
          trace.push(`${line} ${user.name} → ${r.ok ? 'ok' : r.error.code}`);
          if (!r.ok) {
            const own = STATION_USERS[op.s];
            const back = await s.ws.session.login(own, `password-${own}`);
            if (!back.ok) throw new Error(`${NAMES[op.s]}: ${own} could not sign in again`);
          }
          break;
        }
        case 'cut':
          at(op.s).proxy.cut();
          offline.add(op.s);
          trace.push(line);
          break;
        case 'heal':
          at(op.s).proxy.pass();
          offline.delete(op.s);
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

  /** Patients every writing PC holds before the operations start, so edits can race from the first op. */
  async function seedRun(prefix: string) {
    runTag = prefix.replace(/\W/g, '').toLowerCase();
    runUsers = {};
    await server.database.query(
      `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender)
       SELECT $1 || 'base-' || i, 'Base', 'Patient' || i, '1970-01-01', 'male' FROM generate_series(1, 3) i`,
      [prefix],
    );
    // Only the writers need them now; the other PCs catch up in the final drain.
    await Promise.all(WRITERS.map((i) => at(i).ws.drain()));
    for (const i of WRITERS)
      if (livePatients(at(i), prefix).length !== 3) throw new Error(`base patients missing on ${NAMES[i]}`);
  }

  async function healAndDrain() {
    for (const s of stations) s.proxy.pass();
    offline.clear();
    // The writers upload first; then every PC catches up with all of it (a writer may have caught up
    // before another writer's uploads landed).
    await Promise.all(WRITERS.map((i) => at(i).ws.drain(20_000)));
    await Promise.all(stations.map((s) => s.ws.drain(20_000)));
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
      const equal = WRITERS.every((i) => JSON.stringify(localRowsOf(at(i))) === JSON.stringify(want));
      if (equal || Date.now() > deadline) {
        for (const i of WRITERS) {
          const have = localRowsOf(at(i));
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

    // Every PC holds exactly its scope: every table, every row, every column.
    const scope = await awaitConvergence(server.database, replicas(), { known: knownDifferences });
    const differences = scope.differences;
    for (const d of differences) knownDifferences.add(d.key);
    expect(differences.length, `replicas differ from Postgres\n${describeDifferences(differences)}`).toBe(0);
    if (process.env.HMS_PROP_VERBOSE) {
      const outcomes: Record<string, number> = {};
      for (const a of applied) outcomes[a.outcome] = (outcomes[a.outcome] ?? 0) + 1;
      const held = scope.replicas.map((r) => `${r.station} ${r.rows} rows in ${r.tables} tables`);
      console.log(
        `${prefix} ${written.length} writes, outcomes ${JSON.stringify(outcomes)}; compared: ${held.join(', ')}`,
      );
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
    await startScopedStations();
    await fc.assert(
      fc.asyncProperty(runArb, async (ops) => {
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
          // Whatever this run left diverged is its failure, not the next run's.
          const left = await scopeDifferences(server.database, replicas()).catch(() => null);
          for (const d of left?.differences ?? []) knownDifferences.add(d.key);
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
