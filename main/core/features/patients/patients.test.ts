/**
 * The patients domain through its handlers, on a real encrypted SQLite file: registration with a
 * generated MRN and duplicate candidates before saving, search (partial names, misspellings, MRN and
 * phone fragments, dates of birth, paging), the search index kept current by every writer, the chart
 * through the read policy, and merge requests.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { err, ok } from '../../../../db/primitives/index.ts';
import { contract } from '../../../common/index.ts';
import type { SessionUser } from '../../../common/session.ts';
import { silentLogger } from '../../logger.ts';
import { Registry } from '../../registry.ts';
import { PortableQueries } from '../../store/portable-queries.ts';
import { Reader } from '../../store/reader.ts';
import { Sequences } from '../../store/sequences.ts';
import { syncedTableInfo } from '../../store/tables.ts';
import { ShapeApplier } from '../../sync/shape-apply.ts';
import { makeWrites, newId, openTestDb, type TestDb } from '../../test-support.ts';
import { patientHandlers } from './handlers.ts';
import { PatientSearch } from './search.ts';

const user = (role: string): SessionUser => ({
  id: newId(),
  username: role,
  first_name: 'Test',
  last_name: role,
  role,
  offline: false,
});

describe('patients', () => {
  let t: TestDb;
  let current: SessionUser;
  let api: ReturnType<Registry<typeof contract>['api']>;
  let search: PatientSearch;

  let setActor: (a: { id: string; role: string } | null) => void = () => {};
  let homeWard: string | null = null;
  const as = (u: SessionUser) => {
    current = u;
    setActor({ id: u.id, role: u.role });
  };

  beforeEach(() => {
    homeWard = null;
    t = openTestDb();
    current = user('receptionist');
    const made = makeWrites(t, { id: current.id, role: current.role });
    const writes = made.writes;
    setActor = made.setActor;
    search = new PatientSearch(t.local.sqlite);
    const registry = new Registry(contract, () => current, silentLogger);
    registry.register(
      'patients',
      patientHandlers({
        queries: new PortableQueries(t.local.sqlite),
        reader: new Reader(t.local.sqlite),
        writes,
        sequences: new Sequences(t.local.sqlite, () => 'R1A2'),
        search,
        now: () => new Date('2026-11-25T10:00:00.000Z'),
        homeWard: () => homeWard,
        unsynced: (table, ids) => t.outbox.pendingRows(table, ids),
      }),
    );
    const noop = () => ok(null) as never;
    registry.register('session', { policy: noop, login: noop, logout: noop, lock: noop, current: noop });
    registry.register('sync', {
      status: noop,
      syncNow: noop,
      conflicts: noop,
      resolveConflict: noop,
      quarantine: noop,
      retryQuarantined: noop,
      discardQuarantined: noop,
    });
    api = registry.api();
  });
  afterEach(() => t.cleanup());

  const person = (first: string, last: string, extra: Record<string, unknown> = {}) => ({
    first_name: first,
    last_name: last,
    date_of_birth: '1990-04-12',
    gender: 'female' as const,
    ...extra,
  });

  async function register(first: string, last: string, extra: Record<string, unknown> = {}) {
    const r = await api.patients.register(person(first, last, extra));
    if (!r.ok || r.value.status !== 'registered') throw new Error(`not registered: ${JSON.stringify(r)}`);
    return r.value.patient;
  }

  const found = async (query: string, limit = 20, offset = 0) => {
    const r = await api.patients.search({ query, limit, offset });
    if (!r.ok) throw new Error(r.error.message);
    return r.value.hits.map((h) => `${h.patient.first_name} ${h.patient.last_name}`);
  };

  it('registers a patient with an MRN made from the workstation code and its own sequence', async () => {
    const a = await register('Awa', 'Jallow');
    const b = await register('Binta', 'Ceesay', { date_of_birth: '1985-01-01' });
    expect(a.mrn).toBe('P-R1A2-000001');
    expect(b.mrn).toBe('P-R1A2-000002');
    expect(a.age).toBe(36);
    // Until the server accepts it, the record says it is only on this PC.
    expect(a.unsynced).toBe(true);
    for (const e of t.outbox.nextBatch(100))
      t.outbox.markAcked(e.id, 'applied', null, new Date().toISOString());
    const chart = await api.patients.chart({ id: a.id });
    expect(chart.ok && chart.value.patient.unsynced).toBe(false);
    // A refused registration gives its number back (the sequence rolls back with the unit).
    const bad = await api.patients.register(person('Future', 'Child', { date_of_birth: '2099-01-01' }));
    expect(bad.ok ? 'ok' : bad.error.issues?.map((i) => i.rule)).toEqual(['not_future']);
    expect((await register('Coumba', 'Bah', { date_of_birth: '1970-01-01' })).mrn).toBe('P-R1A2-000003');
  });

  it('puts a patient registered on a ward PC on that ward, when the clinician may place patients', async () => {
    homeWard = newId();
    const at = new Date().toISOString();
    t.local.sqlite
      .prepare(
        `INSERT INTO wards (id, created_at, updated_at, version, name, code, ward_type, capacity)
         VALUES (?, ?, ?, 1, 'Medical A', 'MA', 'general', 10)`,
      )
      .run(homeWard, at, at);
    as(user('nurse'));
    const onWard = await register('Awa', 'Jallow');
    const stored = () => t.local.sqlite.prepare('SELECT ward_id FROM patients WHERE id = ?');
    expect(stored().get(onWard.id)).toEqual({ ward_id: homeWard });
    // A receptionist may not place patients: the record stays unplaced (the server would refuse it).
    as(user('receptionist'));
    const desk = await register('Binta', 'Ceesay', { date_of_birth: '1985-01-01' });
    expect(stored().get(desk.id)).toEqual({ ward_id: null });
  });

  it('returns duplicate candidates before saving: same name keys and birth date, same phone, same national id', async () => {
    const muhammad = await register('Muhammad', 'Jallow', {
      phone: '7012345',
      national_id: 'GM-123 456',
      gender: 'male',
    });
    expect(muhammad.phone).toBe('+220 7012345');
    const saved = () =>
      (t.local.sqlite.prepare('SELECT count(*) AS n FROM patients').get() as { n: number }).n;
    const before = saved();
    const spelling = await api.patients.register(person('Mohamed', 'Diallo', { gender: 'male' }));
    expect(spelling.ok && spelling.value.status).toBe('possible_duplicates');
    if (!spelling.ok || spelling.value.status !== 'possible_duplicates') return;
    expect(spelling.value.candidates.map((c) => [c.patient.id, c.reasons])).toEqual([
      [muhammad.id, ['name_and_birth_date']],
    ]);
    expect(saved()).toBe(before);
    const byPhone = await api.patients.register(
      person('Lamin', 'Touray', { phone: '+220 701 2345', date_of_birth: '1950-01-01' }),
    );
    expect(
      byPhone.ok && byPhone.value.status === 'possible_duplicates' && byPhone.value.candidates[0]?.reasons,
    ).toEqual(['phone']);
    const byId = await api.patients.register(
      person('Other', 'Person', { national_id: 'gm123456', date_of_birth: '1951-01-01' }),
    );
    expect(
      byId.ok && byId.value.status === 'possible_duplicates' && byId.value.candidates[0]?.reasons,
    ).toEqual(['national_id']);
    // Confirmed as a different person: saved.
    const confirmed = await api.patients.register({
      ...person('Mohamed', 'Diallo', { gender: 'male' }),
      confirmedNotDuplicateOf: [muhammad.id],
    });
    expect(confirmed.ok && confirmed.value.status).toBe('registered');
  });

  it('finds patients by partial names, either name order, misspellings, MRN and phone fragments, birth date', async () => {
    const fatou = await register('Fatou', 'Ceesay', { phone: '+220 7012345', date_of_birth: '1988-05-17' });
    await register('Fatoumata', 'Jallow', { date_of_birth: '1979-02-02' });
    await register('Isatou', 'Ceesay', { date_of_birth: '1993-03-03' });
    await register('Muhammad', 'Ottieno', { gender: 'male', date_of_birth: '1960-06-06' });
    await register('Binta', 'Sowe', { middle_name: 'Mam Jarra', date_of_birth: '2001-01-01' });
    expect(await found('fat')).toEqual(['Fatou Ceesay', 'Fatoumata Jallow']);
    expect(await found('fatou cee')).toEqual(['Fatou Ceesay']);
    expect(await found('ceesay fatou')).toEqual(['Fatou Ceesay']);
    expect(await found('ceesay')).toEqual(['Fatou Ceesay', 'Isatou Ceesay']);
    expect(await found('mohamed')).toEqual(['Muhammad Ottieno']);
    expect(await found('otieno')).toEqual(['Muhammad Ottieno']);
    expect(await found('jarra')).toEqual(['Binta Sowe']);
    // Substrings (a full-text tier) come newest registration first.
    expect(await found('atou')).toEqual(['Isatou Ceesay', 'Fatoumata Jallow', 'Fatou Ceesay']);
    expect(await found(String(fatou.mrn).slice(2))).toEqual(['Fatou Ceesay']);
    expect(await found('r1a2-00000')).toHaveLength(5);
    expect(await found('000001')).toEqual(['Fatou Ceesay']);
    expect(await found('7012')).toEqual(['Fatou Ceesay']);
    // Any part of a number, not only its start: the end of a phone, the middle of an MRN.
    expect(await found('2345')).toEqual(['Fatou Ceesay']);
    expect(await found('a2-00000')).toHaveLength(5);
    const tail = await api.patients.search({ query: '012 345' });
    expect(tail.ok && tail.value.hits.map((h) => h.match)).toEqual(['phone']);
    expect(await found('17/05/1988')).toEqual(['Fatou Ceesay']);
    expect(await found('ceesay 1993-03-03')).toEqual(['Isatou Ceesay']);
    expect(await found('zainab')).toEqual([]);
    const hit = await api.patients.search({ query: 'mohamed' });
    expect(hit.ok && hit.value.hits[0]?.match).toBe('similar_name');
  });

  it('pages exactly: every match once across pages, in the same order as one long page', async () => {
    for (let i = 0; i < 25; i++)
      await register(`Awa${'abcdefghijklmnopqrstuvwxy'[i]}`, 'Jallow', {
        date_of_birth: `19${50 + i}-01-01`,
      });
    for (let i = 0; i < 5; i++)
      await register('Jallow', `Sanneh${'abcde'[i]}`, { date_of_birth: `19${40 + i}-01-01` });
    const all = await found('jallow', 100);
    expect(all).toHaveLength(30);
    const paged = [
      ...(await found('jallow', 7, 0)),
      ...(await found('jallow', 7, 7)),
      ...(await found('jallow', 7, 14)),
      ...(await found('jallow', 7, 21)),
      ...(await found('jallow', 7, 28)),
    ];
    expect(paged).toEqual(all);
    const more = await api.patients.search({ query: 'jallow', limit: 29 });
    expect(more.ok && more.value.more).toBe(true);
  });

  it('keeps the index current for every writer: local edits, shape batches, deletes, merges, rollbacks', async () => {
    const p = await register('Awa', 'Jallow');
    expect(await api.patients.update({ id: p.id, changes: { last_name: 'Njie' } })).toMatchObject({
      ok: true,
    });
    expect(await found('jallow')).toEqual([]);
    expect(await found('njie')).toEqual(['Awa Njie']);
    // A shape batch (the server's version of the row, once the local writes are acknowledged) goes
    // through INSERT OR REPLACE.
    t.local.sqlite.prepare("UPDATE outbox SET status = 'acked', outcome = 'applied'").run();
    const applier = new ShapeApplier(
      t.local.sqlite,
      syncedTableInfo('patients') as NonNullable<ReturnType<typeof syncedTableInfo>>,
      t.outbox,
    );
    const row = t.local.sqlite.prepare('SELECT * FROM patients WHERE id = ?').get(p.id) as Record<
      string,
      unknown
    >;
    applier.apply(
      [
        {
          key: `"public"."patients"/"${p.id}"`,
          value: { ...row, first_name: 'Adama' },
          headers: { operation: 'insert' },
        },
      ],
      'h',
      '1_0',
    );
    expect(await found('adama njie')).toEqual(['Adama Njie']);
    expect(await found('awa njie')).toEqual([]);
    // A server row evicting a stale local one through the unique MRN leaves no stale index entry.
    const other = newId();
    applier.apply(
      [
        {
          key: `"public"."patients"/"${other}"`,
          value: { ...row, id: other, first_name: 'Kaddy' },
          headers: { operation: 'insert' },
        },
      ],
      'h',
      '1_1',
    );
    expect(t.local.sqlite.prepare('SELECT count(*) AS n FROM patient_search').get()).toEqual({ n: 1 });
    expect(await found('njie')).toEqual(['Kaddy Njie']);
    // Soft-deleted and merged-away records leave the results.
    applier.apply(
      [
        {
          key: `"public"."patients"/"${other}"`,
          value: { id: other, deleted_at: '2026-11-25T10:00:00.000Z' },
          headers: { operation: 'update' },
        },
      ],
      'h',
      '1_2',
    );
    expect(await found('njie')).toEqual([]);
    const q = await register('Binta', 'Bah');
    const r = await register('Coumba', 'Bah', { date_of_birth: '1977-07-07' });
    t.local.sqlite.prepare('UPDATE patients SET merged_into_id = ? WHERE id = ?').run(q.id, r.id);
    expect(await found('bah')).toEqual(['Binta Bah']);
    // A write that rolls back leaves the index as it was.
    try {
      t.local.sqlite.transaction(() => {
        t.local.sqlite.prepare("UPDATE patients SET last_name = 'Rolledback' WHERE id = ?").run(q.id);
        throw new Error('abort');
      })();
    } catch {
      // expected
    }
    expect(await found('rolledback')).toEqual([]);
    expect(await found('binta bah')).toEqual(['Binta Bah']);
    // A phone change alone (the name index untouched) moves the number's fragments with it.
    expect(await api.patients.update({ id: q.id, changes: { phone: '+220 9988776' } })).toMatchObject({
      ok: true,
    });
    expect(await found('8877')).toEqual(['Binta Bah']);
    expect(await api.patients.update({ id: q.id, changes: { phone: '+220 5550001' } })).toMatchObject({
      ok: true,
    });
    expect(await found('8877')).toEqual([]);
    expect(await found('5500')).toEqual(['Binta Bah']);
  });

  it('answers the chart through the read policy: a receptionist gets no clinical sections', async () => {
    as(user('nurse'));
    const p = await register('Awa', 'Jallow', { known_allergies: 'penicillin' });
    as(user('receptionist'));
    const clerk = await api.patients.chart({ id: p.id });
    expect(clerk.ok).toBe(true);
    if (!clerk.ok) return;
    expect(clerk.value.patient.first_name).toBe('Awa');
    expect('known_allergies' in clerk.value.patient).toBe(false);
    expect(clerk.value.vitals).toBeNull();
    expect(clerk.value.allergies).toBeNull();
    as(user('nurse'));
    const nurse = await api.patients.chart({ id: p.id });
    expect(nurse.ok && nurse.value.patient.known_allergies).toBe('penicillin');
    expect(nurse.ok && nurse.value.vitals).toEqual([]);
    expect(await api.patients.chart({ id: newId() })).toEqual(
      err('not_found', 'no such patient on this workstation'),
    );
  });

  it('requests a merge of two records; only an admin completes or rejects it', async () => {
    const a = await register('Awa', 'Jallow');
    const b = await register('Awa', 'Jallow', { date_of_birth: '1990-04-13' });
    const asked = await api.patients.requestMerge({
      survivorId: a.id,
      mergedId: b.id,
      reason: 'same person, two PCs',
    });
    expect(asked.ok && asked.value.status).toBe('requested');
    const id = asked.ok ? (asked.value.id as string) : '';
    const refused = await api.patients.reviewMerge({ id, decision: 'complete' });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('forbidden');
    as(user('admin'));
    const done = await api.patients.reviewMerge({ id, decision: 'complete', note: 'checked the ids' });
    expect(done.ok && done.value.status).toBe('completed');
    expect(done.ok && done.value.reviewed_by).toBe(current.id);
    expect((await api.patients.merges({ status: 'all' })).ok).toBe(true);
  });
});
