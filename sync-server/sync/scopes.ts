/**
 * Sync scopes: which tables, and which rows of them, each kind of workstation receives. Defined on
 * the server only; a client names a table and nothing else.
 *
 * A rule is a SQL predicate over one row of the table (written with the alias `{r}`), with `$ward`
 * and `$ws` standing for the workstation's ward and id. Rules that look at *other* tables (an
 * encounter is on a ward PC because its patient is on that ward) list those tables as
 * dependencies: when a dependency row starts or stops matching its own predicate (the patient is
 * transferred), the dependent rows are re-sent — as inserts if they are now in scope, as deletes if
 * they left it. That is how rows move in and out of a filtered shape.
 */
import type { AnyTableModel } from '../../db/schema/dsl.ts';
import { tablesIn } from '../../db/schema/index.ts';
import type { WORKSTATION_KINDS } from '../../db/schema/sync.ts';

export type WorkstationKind = (typeof WORKSTATION_KINDS)[number];

export interface ScopeDependency {
  /** The other table whose rows decide membership. */
  table: string;
  /** Predicate over a row of `table` (alias `{d}`): the rows whose change matters. */
  when: string;
  /** Joins a dependency row to the dependent rows: dependent.`column` = dependency.`via`. */
  column: string;
  via: string;
}

export interface ScopeRule {
  /** SQL predicate over the row (`{r}`); `true` for every row. */
  where: string;
  dependsOn?: ScopeDependency[];
}

export interface WorkstationScope {
  id: string;
  kind: WorkstationKind;
  ward_id: string | null;
}

const ALL: ScopeRule = { where: 'true' };

/** Reference data every workstation holds. */
const REFERENCE = [
  'roles',
  'users',
  'wards',
  'beds',
  'doctor_profiles',
  'medication_categories',
  'medication_items',
  'suppliers',
  'service_catalog_items',
  'note_templates',
  'resources',
] as const;

/** The users who have logged in online on this workstation (they hold authoring grants here). */
const USERS_HERE = `(SELECT user_id FROM authoring_grants WHERE workstation_id = $ws AND revoked_at IS NULL)`;

/** What every non-admin workstation also gets: its users' inbox, and the fate of its own writes. */
const OWN: Record<string, ScopeRule> = {
  system_settings: { where: '{r}.is_public' },
  notifications: { where: `{r}.user_id IN ${USERS_HERE}` },
  sync_conflicts: { where: '{r}.local_workstation_id = $ws' },
  quarantined_mutations: { where: '{r}.workstation_id = $ws' },
};

const inWard = (column: string): ScopeRule => ({
  where: `{r}.${column} IN (SELECT id FROM patients WHERE ward_id = $ward)`,
  dependsOn: [{ table: 'patients', when: '{d}.ward_id = $ward', column, via: 'id' }],
});

/** Rows of patients who have at least one row in `table` (pharmacy: prescriptions; lab: lab orders). */
const patientsWith = (table: string, column: string): ScopeRule => ({
  where: `EXISTS (SELECT 1 FROM ${table} x WHERE x.patient_id = {r}.${column})`,
  dependsOn: [{ table, when: 'true', column, via: 'patient_id' }],
});

const WARD_CLINICAL = [
  'admissions',
  'encounters',
  'clinical_notes',
  'vitals',
  'allergies',
  'prescriptions',
  'lab_orders',
  'lab_results',
  'medical_conditions',
  'surgical_histories',
  'family_histories',
  'vaccinations',
  'patient_documents',
  'referrals',
  'patient_doctor_assignments',
] as const;

const reference = () => Object.fromEntries(REFERENCE.map((t) => [t, ALL]));

const WARD_PATIENTS = '(SELECT id FROM patients WHERE ward_id = $ward)';

/** Alerts of these kinds, and any assigned to someone who works here. */
const alertsOf = (...kinds: string[]): ScopeRule => ({
  where: `{r}.kind IN (${kinds.map((k) => `'${k}'`).join(', ')}) OR {r}.assigned_to IN ${USERS_HERE}`,
});

const RULES: Record<Exclude<WorkstationKind, 'admin'>, Record<string, ScopeRule>> = {
  ward: {
    ...reference(),
    ...OWN,
    patients: { where: '{r}.ward_id = $ward' },
    ...Object.fromEntries(WARD_CLINICAL.map((t) => [t, inWard('patient_id')])),
    tasks: {
      where: `{r}.assigned_to IN ${USERS_HERE} OR {r}.patient_id IN ${WARD_PATIENTS}`,
      dependsOn: [{ table: 'patients', when: '{d}.ward_id = $ward', column: 'patient_id', via: 'id' }],
    },
    // The ward's own alerts (beds, admissions), those about its patients, and those for its staff.
    alerts: {
      where: `{r}.ward_id = $ward OR {r}.assigned_to IN ${USERS_HERE} OR {r}.patient_id IN ${WARD_PATIENTS}`,
      dependsOn: [{ table: 'patients', when: '{d}.ward_id = $ward', column: 'patient_id', via: 'id' }],
    },
    patient_merges: {
      where: `{r}.survivor_id IN ${WARD_PATIENTS} OR {r}.merged_id IN ${WARD_PATIENTS}`,
      dependsOn: [
        { table: 'patients', when: '{d}.ward_id = $ward', column: 'survivor_id', via: 'id' },
        { table: 'patients', when: '{d}.ward_id = $ward', column: 'merged_id', via: 'id' },
      ],
    },
  },
  pharmacy: {
    ...reference(),
    ...OWN,
    prescriptions: ALL,
    patients: patientsWith('prescriptions', 'id'),
    allergies: patientsWith('prescriptions', 'patient_id'),
    stock_batches: ALL,
    stock_movements: ALL,
    dispensing_logs: ALL,
    stock_adjustments: ALL,
    purchase_orders: ALL,
    purchase_order_items: ALL,
    goods_received_notes: ALL,
    grn_items: ALL,
    tasks: { where: `{r}.assigned_to IN ${USERS_HERE}` },
    alerts: alertsOf('stock_below_zero'),
  },
  reception: {
    ...reference(),
    ...OWN,
    patients: ALL,
    appointments: ALL,
    appointment_notifications: ALL,
    bills: ALL,
    bill_items: ALL,
    payments: ALL,
    insurance_details: ALL,
    patient_doctor_assignments: ALL,
    resource_bookings: ALL,
    telemedicine_sessions: ALL,
    referrals: ALL,
    patient_merges: ALL,
    tasks: { where: `{r}.assigned_to IN ${USERS_HERE}` },
    alerts: alertsOf('doctor_double_booked', 'resource_double_booked', 'bill_overpaid'),
  },
  lab: {
    ...reference(),
    ...OWN,
    lab_orders: ALL,
    lab_results: ALL,
    patients: patientsWith('lab_orders', 'id'),
    tasks: { where: `{r}.assigned_to IN ${USERS_HERE}` },
    alerts: { where: `{r}.assigned_to IN ${USERS_HERE}` },
  },
};

/** The rule for a table on a kind of workstation, or null when that table is not in its scope. */
export function ruleFor(kind: WorkstationKind, table: string): ScopeRule | null {
  const synced = tablesIn('synced').some((t: AnyTableModel) => t.name === table);
  if (!synced) return null;
  if (kind === 'admin') return ALL;
  return RULES[kind][table] ?? null;
}

export function tablesFor(kind: WorkstationKind): string[] {
  return tablesIn('synced')
    .map((t) => t.name)
    .filter((t) => ruleFor(kind, t) !== null);
}

/**
 * Binds a rule's placeholders. Returns SQL with positional parameters starting at `firstParam`;
 * `alias` replaces `{r}` (or `{d}` for dependency predicates).
 */
export function bindPredicate(
  predicate: string,
  ws: WorkstationScope,
  aliases: { r?: string; d?: string },
  firstParam: number,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const slot = (value: unknown) => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  let wardSlot: string | undefined;
  let wsSlot: string | undefined;
  const sql = predicate
    .replaceAll('{r}', aliases.r ?? 'r')
    .replaceAll('{d}', aliases.d ?? 'd')
    .replaceAll('$ward', () => {
      wardSlot ??= `${slot(ws.ward_id)}::uuid`;
      return wardSlot;
    })
    .replaceAll('$ws', () => {
      wsSlot ??= `${slot(ws.id)}::uuid`;
      return wsSlot;
    });
  return { sql, params };
}

/** A stable description of what a workstation's shape of `table` contains (for handles). */
export function scopeKey(ws: WorkstationScope, table: string): string {
  const rule = ruleFor(ws.kind, table);
  return JSON.stringify([
    table,
    ws.kind,
    rule?.where.includes('$ward') ? ws.ward_id : null,
    rule?.where.includes('$ws') ? ws.id : null,
  ]);
}
