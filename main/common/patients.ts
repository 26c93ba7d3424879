/**
 * Patients: register (with duplicate candidates shown before saving), update, search, the chart
 * summary, and merging two records of one person. Rows come back holding only the fields the
 * logged-in user may read (a receptionist's chart has no allergies or vitals).
 */
import { z } from 'zod';
import { BLOOD_GROUPS, GENDERS } from '../../db/schema/enums.ts';
import type * as schema from '../../db/schema/index.ts';
import { op } from './contract.ts';

type Schema = typeof schema;

/** A row as the core hands it out: the fields the user may read (others are absent). */
export type Readable<M extends { lite: { $inferSelect: object } }> = Partial<M['lite']['$inferSelect']>;

export type PatientRecord = Readable<Schema['patients']> & {
  id: string;
  age: number | null;
  /** Changed on this PC and not yet accepted by the server (the screen marks it "not yet synced"). */
  unsynced: boolean;
};

export type MatchKind = 'mrn' | 'national_id' | 'phone' | 'date_of_birth' | 'name' | 'similar_name' | 'text';

export interface PatientHit {
  patient: PatientRecord;
  /** Why it matched, best reason first (the screen can say "same phone"). */
  match: MatchKind;
}

export interface SearchResult {
  hits: PatientHit[];
  offset: number;
  limit: number;
  /** More hits exist past this page. */
  more: boolean;
}

export type DuplicateReason = 'name_and_birth_date' | 'phone' | 'national_id';

export interface DuplicateCandidate {
  patient: PatientRecord;
  reasons: DuplicateReason[];
}

export type RegisterResult =
  | { status: 'registered'; patient: PatientRecord }
  | {
      /** Nothing was saved: show these, then register again with `confirmedNotDuplicateOf` (their ids). */
      status: 'possible_duplicates';
      candidates: DuplicateCandidate[];
    };

export type VitalsRecord = Readable<Schema['vitals']> & { bmi: number | null };
export type LabOrderRecord = Readable<Schema['lab_orders']> & { results: Readable<Schema['lab_results']>[] };

/** A section is null when the user's role may not read it. */
export interface PatientChart {
  patient: PatientRecord;
  /** The survivor, when this record was merged into another one. */
  mergedInto: PatientRecord | null;
  allergies: Readable<Schema['allergies']>[] | null;
  conditions: Readable<Schema['medical_conditions']>[] | null;
  prescriptions: Readable<Schema['prescriptions']>[] | null;
  vitals: VitalsRecord[] | null;
  encounters: Readable<Schema['encounters']>[] | null;
  labOrders: LabOrderRecord[] | null;
  admission: Readable<Schema['admissions']> | null;
  alerts: Readable<Schema['alerts']>[] | null;
}

export type MergeRecord = Readable<Schema['patient_merges']>;

const text = (max = 200) => z.string().trim().max(max);
const optionalText = (max = 200) => text(max).nullable().optional();

/** What a registration desk types; formats (dates, e-mail) are checked by the data rules. */
const PatientFields = {
  first_name: text().min(1, 'enter the first name'),
  middle_name: optionalText(),
  last_name: text().min(1, 'enter the last name'),
  date_of_birth: z.string(),
  gender: z.enum(GENDERS),
  phone: optionalText(40),
  email: optionalText(),
  address: optionalText(500),
  national_id: optionalText(40),
  blood_group: z.enum(BLOOD_GROUPS).nullable().optional(),
  known_allergies: optionalText(2000),
  next_of_kin_name: optionalText(),
  next_of_kin_phone: optionalText(40),
  consent_sms: z.boolean().optional(),
  consent_email: z.boolean().optional(),
};

const Register = z.strictObject({
  ...PatientFields,
  /** Ids of the candidates the user saw and ruled out; a new candidate still stops the registration. */
  confirmedNotDuplicateOf: z.array(z.uuid()).max(50).optional(),
});

const Update = z.strictObject({
  id: z.uuid(),
  changes: z.strictObject(
    Object.fromEntries(Object.entries(PatientFields).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof PatientFields]: z.ZodOptional<(typeof PatientFields)[K]>;
    },
  ),
});

const Search = z.strictObject({
  query: z.string().max(200),
  limit: z.number().int().min(1).max(100).default(20),
  offset: z.number().int().min(0).max(10_000).default(0),
});

const RequestMerge = z.strictObject({
  survivorId: z.uuid(),
  mergedId: z.uuid(),
  reason: text(2000).min(1, 'say why these are the same person'),
});

const ReviewMerge = z.strictObject({
  id: z.uuid(),
  decision: z.enum(['complete', 'reject', 'cancel']),
  note: optionalText(2000),
});

export const patients = {
  register: op(Register).returns<RegisterResult>(),
  update: op(Update).returns<PatientRecord>(),
  search: op(Search).returns<SearchResult>(),
  chart: op(z.strictObject({ id: z.uuid() })).returns<PatientChart>(),
  requestMerge: op(RequestMerge).returns<MergeRecord>(),
  reviewMerge: op(ReviewMerge).returns<MergeRecord>(),
  merges: op(z.strictObject({ status: z.enum(['requested', 'all']).default('requested') })).returns<
    MergeRecord[]
  >(),
};
