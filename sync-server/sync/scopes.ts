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
import { kindFields } from '../../db/policy.ts';
import type { AnyTableModel } from '../../db/schema/dsl.ts';
import { tableByName, tablesIn } from '../../db/schema/index.ts';
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
  /** Columns sent only on rows matching a predicate (`{r}`); NULL on the others. */
  maskUnless?: Record<string, string>;
  /**
   * Columns whose change may take a row out of the writing PC's scope (a transfer: the ward that
   * holds the patient sends them on). Any other write must leave the row in scope.
   */
  leaveBy?: readonly string[];
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

/**
 * A user's rows move onto a PC when they first sign in there (a grant is issued) and off it when
 * their grants end: the grants table is a dependency of every rule that names USERS_HERE.
 */
const grantsMove = (column: string): ScopeDependency => ({
  table: 'authoring_grants',
  when: '{d}.workstation_id = $ws AND {d}.revoked_at IS NULL',
  column,
  via: 'user_id',
});

/** What every non-admin workstation also gets: its users' inbox, and the fate of its own writes. */
const OWN: Record<string, ScopeRule> = {
  system_settings: { where: '{r}.is_public' },
  notifications: { where: `{r}.user_id IN ${USERS_HERE}`, dependsOn: [grantsMove('user_id')] },
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
  dependsOn: [grantsMove('assigned_to')],
});

/** Tasks (or alerts) assigned to the people who work here. */
const assignedHere: ScopeRule = {
  where: `{r}.assigned_to IN ${USERS_HERE}`,
  dependsOn: [grantsMove('assigned_to')],
};

const RULES: Record<Exclude<WorkstationKind, 'admin'>, Record<string, ScopeRule>> = {
  ward: {
    ...reference(),
    ...OWN,
    // A ward PC sees every bed (where to send a patient), but who lies in them only on its own ward.
    beds: { where: 'true', maskUnless: { patient_id: '{r}.ward_id = $ward' } },
    patients: { where: '{r}.ward_id = $ward', leaveBy: ['ward_id'] },
    ...Object.fromEntries(WARD_CLINICAL.map((t) => [t, inWard('patient_id')])),
    tasks: {
      where: `{r}.assigned_to IN ${USERS_HERE} OR {r}.patient_id IN ${WARD_PATIENTS}`,
      dependsOn: [
        { table: 'patients', when: '{d}.ward_id = $ward', column: 'patient_id', via: 'id' },
        grantsMove('assigned_to'),
      ],
    },
    // The ward's own alerts (beds, admissions), those about its patients, and those for its staff.
    alerts: {
      where: `{r}.ward_id = $ward OR {r}.assigned_to IN ${USERS_HERE} OR {r}.patient_id IN ${WARD_PATIENTS}`,
      dependsOn: [
        { table: 'patients', when: '{d}.ward_id = $ward', column: 'patient_id', via: 'id' },
        grantsMove('assigned_to'),
      ],
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
    tasks: assignedHere,
    // Stock concerns every pharmacist, whoever the alert's task went to.
    alerts: alertsOf('stock_below_zero', 'expired_batch_dispensed', 'low_stock', 'batch_expiring'),
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
    tasks: assignedHere,
    alerts: alertsOf('doctor_double_booked', 'resource_double_booked', 'bill_overpaid'),
  },
  lab: {
    ...reference(),
    ...OWN,
    lab_orders: ALL,
    lab_results: ALL,
    patients: patientsWith('lab_orders', 'id'),
    tasks: assignedHere,
    alerts: assignedHere,
  },
};

/**
 * The rule for a table on a kind of workstation, or null when that table is not in its scope (not
 * listed for the kind, or no role working there may read it).
 */
export function ruleFor(kind: WorkstationKind, table: string): ScopeRule | null {
  const synced = tablesIn('synced').some((t: AnyTableModel) => t.name === table);
  if (!synced) return null;
  const rule = kind === 'admin' ? ALL : (RULES[kind][table] ?? null);
  return rule && kindFields(kind, table).size > 0 ? rule : null;
}

export function tablesFor(kind: WorkstationKind): string[] {
  return tablesIn('synced')
    .map((t) => t.name)
    .filter((t) => ruleFor(kind, t) !== null);
}

/**
 * How each column of `table` is sent to a workstation: `null` as it is, else the SQL expression sent
 * instead (over the row alias `{r}`). A column no role of the PC's kind may read goes as NULL, or as
 * '' where the local table requires a value (the core hides it from users anyway; nothing is sent).
 */
export function columnView(ws: WorkstationScope, table: AnyTableModel): Record<string, string | null> {
  const readable = kindFields(ws.kind, table.name);
  const masks = ruleFor(ws.kind, table.name)?.maskUnless ?? {};
  const view: Record<string, string | null> = {};
  for (const [name, meta] of Object.entries(table.columns)) {
    if (!readable.has(name)) view[name] = meta.notNull ? `''` : 'NULL';
    else if (masks[name]) view[name] = `CASE WHEN ${inlinePredicate(masks[name], ws)} THEN {col} END`;
    else view[name] = null;
  }
  return view;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A predicate with `$ward`/`$ws` written in as literals (checked to be UUIDs), for column views and
 * the write path's scope checks, where positional parameters are not at hand.
 */
export function inlinePredicate(predicate: string, ws: WorkstationScope): string {
  const literal = (v: string | null) => {
    if (v === null) return 'NULL::uuid';
    if (!UUID.test(v)) throw new Error('a workstation id or ward id is not a UUID');
    return `'${v}'::uuid`;
  };
  return predicate.replaceAll('$ward', literal(ws.ward_id)).replaceAll('$ws', literal(ws.id));
}

/** Tables every PC writes without holding them: events and requests about its own users. */
const WRITE_ONLY = ['audit_log', 'chart_views', 'role_change_requests'];
/** Reference tables a kind of PC maintains (the rest are the admin desk's). */
const MAINTAINS: Record<Exclude<WorkstationKind, 'admin'>, readonly string[]> = {
  ward: ['beds', 'note_templates'],
  pharmacy: ['medication_items', 'medication_categories', 'suppliers'],
  reception: [],
  lab: [],
};
/** Reference tables anyone edits their own row of (contact details, a doctor's profile). */
const SELF_SERVICE = ['users', 'doctor_profiles'];

/**
 * Where a workstation of `kind` may write in `table`: `null` nowhere; else the scope rule the row
 * must satisfy before and after the change (`where: 'true'` for any row).
 */
export function writeRuleFor(kind: WorkstationKind, table: string): ScopeRule | null {
  if (!tablesIn('synced').some((t) => t.name === table)) return null;
  if (kind === 'admin') return ALL;
  if (WRITE_ONLY.includes(table) || SELF_SERVICE.includes(table) || MAINTAINS[kind].includes(table))
    return ALL;
  if ((REFERENCE as readonly string[]).includes(table)) return null;
  return ruleFor(kind, table);
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
  const model = tableByName(table);
  const masked = Object.values(rule?.maskUnless ?? {}).join(' ');
  return JSON.stringify([
    table,
    ws.kind,
    rule?.where.includes('$ward') || masked.includes('$ward') ? ws.ward_id : null,
    rule?.where.includes('$ws') || masked.includes('$ws') ? ws.id : null,
    // The columns sent are part of what the shape is: a policy change re-sends it (409), so a PC
    // never keeps a value it may no longer hold.
    model ? columnView(ws, model) : null,
  ]);
}
