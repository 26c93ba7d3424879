/**
 * Patients, the pattern every domain copies (main/common/patients.ts): each operation validates at the
 * door (the registry), reads through the policy (Reader), writes one unit of work (Writes.unit), and
 * answers the envelope. Numbers (the MRN) are drawn inside the unit; derived values (age, BMI) come
 * from db/derived; duplicate candidates come before anything is saved.
 */
import { type SQL, sql } from 'drizzle-orm';
import { ageSql, bmiSql } from '../../../../db/derived/clinical.ts';
import { numberOf } from '../../../../db/derived/portable-sql.ts';
import { can } from '../../../../db/policy.ts';
import { err, ok, type Result, type Row, utcDate } from '../../../../db/primitives/index.ts';
import { phoneCanon } from '../../../../db/rules/name-keys.ts';
import type {
  DuplicateCandidate,
  LabOrderRecord,
  MergeRecord,
  PatientChart,
  PatientRecord,
  patients,
  VitalsRecord,
} from '../../../common/patients.ts';
import type { DomainHandlers } from '../../registry.ts';
import type { Actor } from '../../store/actor.ts';
import type { PortableQueries } from '../../store/portable-queries.ts';
import type { Reader } from '../../store/reader.ts';
import type { Sequences } from '../../store/sequences.ts';
import type { Writes } from '../../store/writes.ts';
import type { PatientSearch } from './search.ts';

export interface PatientsCore {
  queries: PortableQueries;
  reader: Reader;
  writes: Writes;
  sequences: Sequences;
  search: PatientSearch;
  now: () => Date;
  /**
   * The ward of this PC when it is a ward PC: a patient registered here is on it (a ward PC writes
   * only its own ward's patients, and a patient elsewhere would vanish from its screens).
   */
  homeWard: () => string | null;
  /** Of these rows of `table`, those with a write still waiting in the outbox. */
  unsynced: (table: string, ids: readonly string[]) => ReadonlySet<string>;
}

/** What a list shows of a patient (the policy may strip some of it). */
const SUMMARY_COLUMNS = [
  'id',
  'mrn',
  'first_name',
  'middle_name',
  'last_name',
  'date_of_birth',
  'gender',
  'phone',
  'national_id',
  'ward_id',
  'merged_into_id',
  'deleted_at',
];

const RECENT = 20;

/**
 * Phone numbers are kept in one form, `+220 7012345`, however the desk typed them (`7012345`,
 * `00220 701 2345`): search by a fragment then finds them, and duplicates by phone meet.
 */
function withCanonicalPhones<
  T extends { phone?: string | null | undefined; next_of_kin_phone?: string | null | undefined },
>(fields: T): T {
  const canon = (v: string | null | undefined) =>
    typeof v === 'string' && v.trim() !== '' ? (phoneCanon(v) ?? v) : v;
  return {
    ...fields,
    ...(fields.phone !== undefined ? { phone: canon(fields.phone) } : {}),
    ...(fields.next_of_kin_phone !== undefined ? { next_of_kin_phone: canon(fields.next_of_kin_phone) } : {}),
  };
}

export function patientHandlers(core: PatientsCore): DomainHandlers<typeof patients> {
  const { reader, writes } = core;
  const today = () => utcDate(core.now().toISOString());

  /** Values computed by db/derived for some rows of `table`, by id (numbers). */
  const derived = (table: string, ids: readonly string[], expr: SQL): Map<string, number | null> =>
    new Map([...core.queries.byId(table, ids, expr)].map(([id, v]) => [id, numberOf(v)]));

  /** Rows of `patients` as records (with age), in the order of `ids`. */
  const records = (user: Actor, ids: readonly string[], columns?: readonly string[]): PatientRecord[] => {
    if (ids.length === 0) return [];
    const rows = reader.rows(user, 'patients', {
      where: `t."id" IN (${ids.map(() => '?').join(', ')})`,
      params: ids,
      withDeleted: true,
      ...(columns ? { columns } : {}),
    });
    const ages = derived('patients', ids, ageSql(sql`t."date_of_birth"`, today()));
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    const waiting = core.unsynced('patients', ids);
    return ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [{ ...(r as PatientRecord), id, age: ages.get(id) ?? null, unsynced: waiting.has(id) }] : [];
    });
  };
  const record = (user: Actor, id: string) => records(user, [id])[0] ?? null;

  const section = <T>(
    user: Actor,
    table: string,
    where: string,
    params: unknown[],
    orderBy: string,
    limit?: number,
  ) =>
    reader.canRead(user, table)
      ? (reader.rows(user, table, { where, params, orderBy, ...(limit ? { limit } : {}) }) as T[])
      : null;

  const mergeRecord = (r: Result<Row>): Result<MergeRecord> => (r.ok ? ok(r.value as MergeRecord) : r);

  return {
    register: ({ confirmedNotDuplicateOf, ...typed }, { user }) => {
      const fields = withCanonicalPhones(typed);
      const ruledOut = new Set(confirmedNotDuplicateOf ?? []);
      const candidates = core.search.duplicates(fields).filter((c) => !ruledOut.has(c.id));
      if (candidates.length > 0) {
        const found = records(
          user,
          candidates.map((c) => c.id),
          SUMMARY_COLUMNS,
        );
        const reasons = new Map(candidates.map((c) => [c.id, c.reasons]));
        return ok({
          status: 'possible_duplicates',
          candidates: found.map(
            (patient): DuplicateCandidate => ({ patient, reasons: reasons.get(patient.id) ?? [] }),
          ),
        });
      }
      const ward = can(user.role, 'create', 'patients', 'ward_id') ? core.homeWard() : null;
      const r = writes.unit((w) =>
        w.insert('patients', {
          ...fields,
          ...(ward ? { ward_id: ward } : {}),
          mrn: core.sequences.next('mrn'),
        }),
      );
      if (!r.ok) return r;
      const patient = record(user, String(r.value.id));
      return patient
        ? ok({ status: 'registered', patient })
        : err('not_found', 'the patient was saved but cannot be shown to you');
    },

    update: ({ id, changes }, { user }) => {
      const r = writes.update('patients', id, withCanonicalPhones(changes));
      if (!r.ok) return r;
      const patient = record(user, id);
      return patient ? ok(patient) : err('not_found', 'no such patient');
    },

    search: ({ query, limit, offset }, { user }) => {
      const found = core.search.search(query, { limit: limit + 1, offset });
      const page = found.slice(0, limit);
      const rows = records(
        user,
        page.map((h) => h.id),
        SUMMARY_COLUMNS,
      );
      const match = new Map(page.map((h) => [h.id, h.match]));
      return ok({
        hits: rows.map((patient) => ({ patient, match: match.get(patient.id) ?? 'text' })),
        offset,
        limit,
        more: found.length > limit,
      });
    },

    chart: ({ id }, { user }) => {
      const patient = record(user, id);
      if (!patient) return err('not_found', 'no such patient on this workstation');
      // Every opening of a chart is recorded as who read it, when: offline too, uploaded like any write,
      // and entered in the server's audit trail as a `read`. The chart is shown even if this fails.
      writes.insert('chart_views', { patient_id: id, viewed_at: core.now().toISOString() });
      const mergedInto = patient.merged_into_id ? record(user, patient.merged_into_id) : null;
      const byPatient = 't."patient_id" = ?';
      const vitals = section<VitalsRecord>(user, 'vitals', byPatient, [id], 't."recorded_at" DESC', RECENT);
      if (vitals) {
        const bmi = derived(
          'vitals',
          vitals.map((v) => String(v.id)),
          bmiSql('t'),
        );
        for (const v of vitals) v.bmi = bmi.get(String(v.id)) ?? null;
      }
      const labOrders = section<LabOrderRecord>(
        user,
        'lab_orders',
        byPatient,
        [id],
        't."created_at" DESC',
        RECENT,
      );
      if (labOrders) {
        const ids = labOrders.map((o) => String(o.id));
        const results = ids.length
          ? reader.rows(user, 'lab_results', {
              where: `t."lab_order_id" IN (${ids.map(() => '?').join(', ')})`,
              params: ids,
              orderBy: 't."resulted_at"',
            })
          : [];
        for (const o of labOrders) o.results = results.filter((r) => r.lab_order_id === o.id);
      }
      const admissions = section<NonNullable<PatientChart['admission']>>(
        user,
        'admissions',
        `${byPatient} AND t."status" = 'admitted'`,
        [id],
        't."admitted_at" DESC',
        1,
      );
      const chart: PatientChart = {
        patient,
        mergedInto,
        allergies: section(user, 'allergies', byPatient, [id], 't."created_at" DESC'),
        conditions: section(user, 'medical_conditions', byPatient, [id], 't."status", t."diagnosed_on" DESC'),
        prescriptions: section(user, 'prescriptions', byPatient, [id], 't."created_at" DESC', 50),
        vitals,
        encounters: section(user, 'encounters', byPatient, [id], 't."created_at" DESC', RECENT),
        labOrders,
        admission: admissions ? (admissions[0] ?? null) : null,
        alerts: section(user, 'alerts', `${byPatient} AND t."status" = 'open'`, [id], 't."created_at" DESC'),
      };
      return ok(chart);
    },

    requestMerge: ({ survivorId, mergedId, reason }, { user }) => {
      if (survivorId === mergedId) return err('invalid_arguments', 'choose two different records');
      for (const pid of [survivorId, mergedId]) {
        const p = reader.one(user, 'patients', pid, { columns: ['id', 'merged_into_id'] });
        if (!p) return err('not_found', 'both records must be on this workstation');
        if (p.merged_into_id) return err('already_merged', 'one of these records has already been merged');
      }
      return mergeRecord(
        writes.unit((w) =>
          w.insert('patient_merges', { survivor_id: survivorId, merged_id: mergedId, reason }),
        ),
      );
    },

    reviewMerge: ({ id, decision, note }) => {
      const status = decision === 'complete' ? 'completed' : decision === 'reject' ? 'rejected' : 'cancelled';
      return mergeRecord(
        writes.unit((w) =>
          w.update('patient_merges', id, { status, ...(note ? { review_note: note } : {}) }),
        ),
      );
    },

    merges: ({ status }, { user }) =>
      ok(
        reader.rows(user, 'patient_merges', {
          ...(status === 'requested' ? { where: 't."status" = ?', params: ['requested'] } : {}),
          orderBy: 't."created_at" DESC',
          limit: 200,
        }) as MergeRecord[],
      ),
  };
}
