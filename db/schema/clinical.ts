/** Patients and their care: wards and beds, appointments, encounters, chart entries, labs. */
import { c, syncedTable } from './dsl.ts';
import { BLOOD_GROUPS, GENDERS } from './enums.ts';

export { BLOOD_GROUPS, GENDERS } from './enums.ts';

export const wards = syncedTable('wards', {
  name: c.text().notNull().unique(),
  code: c.text().notNull().unique(),
  ward_type: c
    .enum(['general', 'maternity', 'paediatric', 'surgical', 'icu', 'emergency', 'isolation'])
    .notNull(),
  capacity: c.int().notNull().positive(),
  floor: c.text(),
  nurse_in_charge_id: c.uuid().references('users'),
});

export const beds = syncedTable(
  'beds',
  {
    ward_id: c.uuid().notNull().references('wards'),
    bed_number: c.text().notNull(),
    status: c
      .enum(['available', 'occupied', 'cleaning', 'maintenance', 'reserved'])
      .notNull()
      .default('available'),
    /** Current occupant; the admission row holds the history. */
    patient_id: c.uuid().references('patients'),
    managed_by: c.uuid().references('users'),
  },
  { uniques: [['ward_id', 'bed_number']] },
);

export const patients = syncedTable(
  'patients',
  {
    /** Medical record number, e.g. `P-W3A-000123`: prefixed with the registering workstation's code so
     * two PCs registering offline never collide. */
    mrn: c.text().notNull().unique(),
    first_name: c.text().notNull(),
    middle_name: c.text(),
    last_name: c.text().notNull(),
    date_of_birth: c.date().notNull(),
    gender: c.enum(GENDERS).notNull(),
    phone: c.text(),
    email: c.text(),
    address: c.text(),
    national_id: c.text(),
    blood_group: c.enum(BLOOD_GROUPS),
    known_allergies: c.text(),
    next_of_kin_name: c.text(),
    next_of_kin_phone: c.text(),
    /** Where the patient is now (null when not admitted). Decides which ward PCs hold the chart. */
    ward_id: c.uuid().references('wards'),
    /** Set when this record was found to be a duplicate and merged into another one. */
    merged_into_id: c.uuid().references('patients'),
    consent_sms: c.bool().notNull().default(true),
    consent_email: c.bool().notNull().default(true),
  },
  { indexes: [['last_name', 'first_name'], ['first_name'], ['phone'], ['ward_id'], ['date_of_birth']] },
);

export const admissions = syncedTable(
  'admissions',
  {
    patient_id: c.uuid().notNull().references('patients'),
    ward_id: c.uuid().notNull().references('wards'),
    bed_id: c.uuid().references('beds'),
    admitted_at: c.timestamp().notNull(),
    discharged_at: c.timestamp(),
    reason: c.text(),
    attending_doctor_id: c.uuid().references('users'),
    status: c.enum(['admitted', 'transferred', 'discharged']).notNull().default('admitted'),
  },
  {
    indexes: [['patient_id'], ['ward_id'], ['bed_id']],
    checks: { discharge_order: '"discharged_at" IS NULL OR "discharged_at" >= "admitted_at"' },
  },
);

export const patient_doctor_assignments = syncedTable(
  'patient_doctor_assignments',
  {
    patient_id: c.uuid().notNull().references('patients'),
    doctor_id: c.uuid().notNull().references('users'),
    relationship: c.enum(['primary', 'specialist', 'referral', 'temporary']).notNull().default('primary'),
    started_on: c.date().notNull(),
    ended_on: c.date(),
    referral_source: c.text(),
  },
  { indexes: [['patient_id'], ['doctor_id']] },
);

export const appointments = syncedTable(
  'appointments',
  {
    patient_id: c.uuid().notNull().references('patients'),
    doctor_id: c.uuid().notNull().references('users'),
    date: c.date().notNull(),
    time: c.text().notNull(),
    duration_minutes: c.int().notNull().default(15).positive(),
    status: c
      .enum(['scheduled', 'checked_in', 'in_progress', 'completed', 'cancelled', 'no_show'])
      .notNull()
      .default('scheduled'),
    reason: c.text(),
    notes: c.text(),
    /** Ticket in the day's queue once checked in, e.g. `R1A2-007`: the desk's code and its own count
     * of the day, so two desks issuing numbers offline never hand out the same one. */
    queue_number: c.text(),
    checked_in_at: c.timestamp(),
    completed_at: c.timestamp(),
  },
  { indexes: [['date'], ['doctor_id', 'date'], ['patient_id']] },
);

export const encounters = syncedTable(
  'encounters',
  {
    patient_id: c.uuid().notNull().references('patients'),
    appointment_id: c.uuid().references('appointments'),
    admission_id: c.uuid().references('admissions'),
    doctor_id: c.uuid().notNull().references('users'),
    encounter_type: c
      .enum(['outpatient', 'inpatient', 'emergency', 'telemedicine'])
      .notNull()
      .default('outpatient'),
    chief_complaint: c.text(),
    notes: c.text().notNull(),
    diagnosis: c.text(),
    icd10_code: c.text(),
    status: c.enum(['open', 'closed']).notNull().default('open'),
  },
  { indexes: [['patient_id'], ['doctor_id'], ['created_at']] },
);

/** Progress and nursing notes: append-only; a correction is a new note that amends an earlier one. */
export const clinical_notes = syncedTable(
  'clinical_notes',
  {
    patient_id: c.uuid().notNull().references('patients'),
    encounter_id: c.uuid().references('encounters'),
    author_id: c.uuid().notNull().references('users'),
    note_type: c.enum(['progress', 'nursing', 'handover', 'discharge', 'procedure']).notNull(),
    body: c.text().notNull(),
    amends_id: c.uuid().references('clinical_notes'),
  },
  { appendOnly: true, indexes: [['patient_id'], ['encounter_id']] },
);

export const vitals = syncedTable(
  'vitals',
  {
    patient_id: c.uuid().notNull().references('patients'),
    encounter_id: c.uuid().references('encounters'),
    recorded_at: c.timestamp().notNull(),
    recorded_by: c.uuid().notNull().references('users'),
    systolic_bp: c.int().positive(),
    diastolic_bp: c.int().positive(),
    heart_rate: c.int().positive(),
    respiratory_rate: c.int().positive(),
    temperature_c: c.real(),
    oxygen_saturation: c.int().nonNegative(),
    height_cm: c.real(),
    weight_kg: c.real(),
    pain_score: c.int().nonNegative(),
    amends_id: c.uuid().references('vitals'),
  },
  {
    appendOnly: true,
    indexes: [['patient_id', 'recorded_at'], ['encounter_id']],
    checks: {
      spo2_range: '"oxygen_saturation" IS NULL OR "oxygen_saturation" <= 100',
      pain_range: '"pain_score" IS NULL OR "pain_score" <= 10',
      temperature_range: '"temperature_c" IS NULL OR ("temperature_c" > 20 AND "temperature_c" < 45)',
    },
  },
);

export const allergies = syncedTable(
  'allergies',
  {
    patient_id: c.uuid().notNull().references('patients'),
    allergen: c.text().notNull(),
    reaction: c.text(),
    severity: c.enum(['mild', 'moderate', 'severe', 'life_threatening']).notNull(),
    noted_on: c.date(),
  },
  { indexes: [['patient_id']] },
);

export const prescriptions = syncedTable(
  'prescriptions',
  {
    patient_id: c.uuid().notNull().references('patients'),
    encounter_id: c.uuid().references('encounters'),
    prescriber_id: c.uuid().notNull().references('users'),
    medication_item_id: c.uuid().references('medication_items'),
    medication_name: c.text().notNull(),
    dosage: c.text().notNull(),
    frequency: c.text().notNull(),
    route: c
      .enum(['oral', 'iv', 'im', 'sc', 'topical', 'inhaled', 'rectal', 'other'])
      .notNull()
      .default('oral'),
    duration_days: c.int().positive(),
    quantity: c.int().positive(),
    instructions: c.text(),
    status: c
      .enum(['active', 'dispensed', 'partially_dispensed', 'completed', 'cancelled'])
      .notNull()
      .default('active'),
  },
  { indexes: [['patient_id'], ['encounter_id'], ['status']] },
);

export const lab_orders = syncedTable(
  'lab_orders',
  {
    patient_id: c.uuid().notNull().references('patients'),
    encounter_id: c.uuid().references('encounters'),
    ordered_by: c.uuid().notNull().references('users'),
    test_name: c.text().notNull(),
    test_code: c.text(),
    priority: c.enum(['routine', 'urgent', 'stat']).notNull().default('routine'),
    status: c
      .enum(['ordered', 'collected', 'in_progress', 'resulted', 'reviewed', 'cancelled'])
      .notNull()
      .default('ordered'),
    clinical_notes: c.text(),
    collected_at: c.timestamp(),
    reviewed_by: c.uuid().references('users'),
    reviewed_at: c.timestamp(),
  },
  { indexes: [['patient_id'], ['status']] },
);

/** A result for a lab order: append-only; a corrected result amends the earlier row. */
export const lab_results = syncedTable(
  'lab_results',
  {
    lab_order_id: c.uuid().notNull().references('lab_orders'),
    patient_id: c.uuid().notNull().references('patients'),
    analyte: c.text().notNull(),
    value: c.text().notNull(),
    unit: c.text(),
    reference_range: c.text(),
    flag: c
      .enum(['normal', 'low', 'high', 'critical_low', 'critical_high', 'abnormal'])
      .notNull()
      .default('normal'),
    resulted_by: c.uuid().notNull().references('users'),
    resulted_at: c.timestamp().notNull(),
    amends_id: c.uuid().references('lab_results'),
  },
  { appendOnly: true, indexes: [['lab_order_id'], ['patient_id']] },
);

export const medical_conditions = syncedTable(
  'medical_conditions',
  {
    patient_id: c.uuid().notNull().references('patients'),
    condition: c.text().notNull(),
    icd10_code: c.text(),
    diagnosed_on: c.date(),
    status: c.enum(['active', 'resolved', 'in_remission']).notNull().default('active'),
    notes: c.text(),
  },
  { indexes: [['patient_id']] },
);

export const surgical_histories = syncedTable(
  'surgical_histories',
  {
    patient_id: c.uuid().notNull().references('patients'),
    procedure: c.text().notNull(),
    performed_on: c.date(),
    hospital: c.text(),
    surgeon: c.text(),
    notes: c.text(),
  },
  { indexes: [['patient_id']] },
);

export const family_histories = syncedTable(
  'family_histories',
  {
    patient_id: c.uuid().notNull().references('patients'),
    relation: c.text().notNull(),
    condition: c.text().notNull(),
    notes: c.text(),
  },
  { indexes: [['patient_id']] },
);

export const vaccinations = syncedTable(
  'vaccinations',
  {
    patient_id: c.uuid().notNull().references('patients'),
    vaccine: c.text().notNull(),
    dose_number: c.int().positive(),
    administered_on: c.date().notNull(),
    administered_by: c.uuid().references('users'),
    batch_number: c.text(),
    next_due_on: c.date(),
  },
  { appendOnly: true, indexes: [['patient_id']] },
);

/** Metadata of an uploaded file; the bytes live in the server's document store, addressed by hash. */
export const patient_documents = syncedTable(
  'patient_documents',
  {
    patient_id: c.uuid().notNull().references('patients'),
    title: c.text().notNull(),
    document_type: c
      .enum(['lab_report', 'imaging', 'referral_letter', 'consent', 'discharge_summary', 'other'])
      .notNull(),
    file_name: c.text().notNull(),
    mime_type: c.text().notNull(),
    size_bytes: c.int().nonNegative(),
    sha256: c.text().notNull(),
    uploaded_by: c.uuid().references('users'),
  },
  { indexes: [['patient_id']] },
);

export const referrals = syncedTable(
  'referrals',
  {
    patient_id: c.uuid().notNull().references('patients'),
    referring_doctor_id: c.uuid().references('users'),
    referring_doctor_details: c.text(),
    referred_to_doctor_id: c.uuid().references('users'),
    referred_to_details: c.text(),
    reason: c.text().notNull(),
    status: c
      .enum(['pending', 'accepted', 'completed', 'declined', 'cancelled'])
      .notNull()
      .default('pending'),
    notes: c.text(),
  },
  { indexes: [['patient_id']] },
);

export const telemedicine_sessions = syncedTable('telemedicine_sessions', {
  appointment_id: c.uuid().notNull().references('appointments'),
  scheduled_start: c.timestamp().notNull(),
  video_room_id: c.text().notNull().unique(),
  status: c.enum(['scheduled', 'in_progress', 'ended', 'cancelled']).notNull().default('scheduled'),
  started_at: c.timestamp(),
  ended_at: c.timestamp(),
});

export const resources = syncedTable('resources', {
  name: c.text().notNull().unique(),
  resource_type: c.enum(['operating_room', 'equipment', 'consultation_room', 'imaging', 'other']).notNull(),
  location: c.text(),
  is_active: c.bool().notNull().default(true),
});

export const resource_bookings = syncedTable(
  'resource_bookings',
  {
    resource_id: c.uuid().notNull().references('resources'),
    booked_by: c.uuid().notNull().references('users'),
    patient_id: c.uuid().references('patients'),
    start_time: c.timestamp().notNull(),
    end_time: c.timestamp().notNull(),
    purpose: c.text(),
    status: c.enum(['booked', 'cancelled', 'completed']).notNull().default('booked'),
  },
  { indexes: [['resource_id', 'start_time']], checks: { time_order: '"end_time" > "start_time"' } },
);

/**
 * A request to merge two records of one person (registered twice, often on two PCs cut off from each
 * other). An admin completes it; the server then re-points every row of `merged_id` to `survivor_id`
 * and keeps the merged record, marked `merged_into_id`, for the audit trail.
 */
export const patient_merges = syncedTable(
  'patient_merges',
  {
    survivor_id: c.uuid().notNull().references('patients'),
    merged_id: c.uuid().notNull().references('patients'),
    reason: c.text().notNull(),
    status: c.enum(['requested', 'completed', 'rejected', 'cancelled']).notNull().default('requested'),
    reviewed_by: c.uuid().references('users'),
    reviewed_at: c.timestamp(),
    review_note: c.text(),
  },
  {
    indexes: [['survivor_id'], ['merged_id']],
    checks: { distinct_records: '"survivor_id" <> "merged_id"' },
  },
);

/**
 * Who opened which chart, when: one row each time a chart is opened on a PC, written offline like any
 * clinical fact (append-only) and uploaded with the rest, so the server's audit trail records every
 * chart view as a `read`. Only admins read it back.
 */
export const chart_views = syncedTable(
  'chart_views',
  {
    // No foreign key: a view of a record whose registration the server refused is still a view.
    patient_id: c.uuid().notNull(),
    viewed_at: c.timestamp().notNull(),
  },
  { indexes: [['patient_id']] },
);
