/**
 * Role-based access policy, as data: role × table × action, with field-level exceptions and
 * ownership conditions. The sync server enforces it (shapes and mutations), the workstation core
 * enforces it for the logged-in user, the UI mirrors it (DESIGN.md §5).
 *
 * Decisions:
 * - **Actions.** `read | create | update | delete`. `delete` always means a *soft* delete (the server
 *   sets `deleted_at`); rows are never hard-deleted through sync.
 * - **Clinical rows** (patients and every table with a `patient_id`) are deleted by no one but the
 *   admin; clinicians correct by status (`cancelled`, `resolved`) or by an amending row.
 * - **Append-only tables** (vitals, notes, results, payments, movements, …) are never updated, not
 *   even by an admin: a correction is a new row that amends the old one, which is what keeps them
 *   conflict-free in sync. The admin may soft-delete a row entered in error (it stays, with its
 *   audit trail). One documented exception (`APPEND_ONLY_UPDATABLE`): the recipient of a secure
 *   message sets its `read_at`.
 * - **audit_log** is read by admins only and changed by no one; every role *creates* (appends)
 *   audit events authored by itself (workstations send their audit events as mutations); the
 *   server computes `seq`, `prev_hash` and `hash`.
 * - **System columns** (`id, created_at, …, version`) are readable wherever the row is readable and
 *   never writable, except `id` on create. Columns in `immutableColumns()` (MRN, bill numbers, the
 *   row's `patient_id`, …) are never updatable. Secrets (password hashes, token hashes, TOTP and
 *   server secrets) are readable by no role: the admin sees the rows, not the secrets.
 * - **Doctors do not read billing** (bills, items, payments, insurance): not needed for care; the
 *   front desk and admin do. **Receptionists** see that an encounter exists (bills point at it) but
 *   not its complaint, notes or diagnosis, nor clinical notes, vitals, labs, prescriptions, the
 *   patient's `known_allergies` or `blood_group`. **Pharmacists** read prescriptions, allergies and
 *   patient demographics with allergies, not notes or encounters, and run the whole pharmacy.
 *   **Lab technicians** work lab orders (status, collection time), create results, and read
 *   patients' demographics only.
 * - **Ownership** (`rowCondition`) is a condition callers evaluate: the row matches when one of
 *   `userIs` columns equals the acting user's id, or one of the `orTrue` columns is true. On create
 *   it applies to the new row (authorship can't be forged: `author` columns must be the author).
 * - System jobs on the server (reminders, critical-lab alerts, patient merge) act as the system,
 *   not as a role, and are outside this policy.
 */
import type { RoleName } from './schema/accounts.ts';
import { ROLE_NAMES } from './schema/accounts.ts';
import type { AnyTableModel } from './schema/dsl.ts';
import type { WorkstationKind } from './schema/enums.ts';
import { tableByName, tablesIn } from './schema/index.ts';
import { immutableColumns, SYSTEM_COLUMNS } from './validation.ts';

export type Action = 'read' | 'create' | 'update' | 'delete';
export const ACTIONS: readonly Action[] = ['read', 'create', 'update', 'delete'];
type WriteAction = Exclude<Action, 'read'>;

/** Allowed actions as letters in order: `r`ead, `c`reate, `u`pdate, `d`elete (soft). `''` = none. */
export type Letters = `${'r' | ''}${'c' | ''}${'u' | ''}${'d' | ''}`;

/** The row matches when any `userIs` column equals the acting user's id, or any `orTrue` column is true. */
export interface RowCondition {
  userIs: readonly string[];
  orTrue?: readonly string[];
}

export interface Grant {
  can: Letters;
  /** Columns this role may not read (and so not write). */
  hide?: readonly string[];
  /** Columns this role may not set on create. */
  createExcept?: readonly string[];
  /** If set, update is limited to exactly these columns. */
  updateOnly?: readonly string[];
  /** Columns this role may not change on update. */
  updateExcept?: readonly string[];
  /** Ownership condition per action (see `RowCondition`). */
  own?: Partial<Record<Action, RowCondition>>;
}

type Cell = Letters | Grant;
/** One table's row of the matrix: admin, doctor, nurse, receptionist, pharmacist, lab_technician. */
type PolicyRow = readonly [Cell, Cell, Cell, Cell, Cell, Cell];

// ---- named grants used in the matrix ---------------------------------------------------------

const userIs = (...cols: string[]): RowCondition => ({ userIs: cols });
const PATIENT_CLINICAL = ['known_allergies', 'blood_group'];
const PATIENT_NON_DEMOGRAPHIC = ['known_allergies', 'national_id', 'next_of_kin_name', 'next_of_kin_phone'];

const G = {
  /** Staff directory for everyone; each user edits their own contact and preferences. */
  usersSelf: {
    can: 'ru',
    own: { update: userIs('id') },
    updateOnly: ['phone', 'language_preference', 'preferences'],
  },
  usersAdmin: { can: 'rcu', updateExcept: ['username'] },
  credentialsAdmin: {
    can: 'ru',
    hide: ['password_hash', 'totp_secret_enc', 'totp_last_step'],
    updateOnly: ['failed_attempts', 'locked_until'],
  },
  sessionsAdmin: { can: 'ru', hide: ['token_hash'], updateOnly: ['revoked_at'] },
  ownLogins: { can: 'r', own: { read: userIs('user_id') } },
  roleRequestAdmin: { can: 'rcu', updateOnly: ['status', 'reviewed_by', 'reviewed_at', 'review_notes'] },
  roleRequestOwn: {
    can: 'rc',
    own: { read: userIs('user_id'), create: userIs('user_id') },
    createExcept: ['status', 'reviewed_by', 'reviewed_at', 'review_notes'],
  },
  doctorProfileOwn: { can: 'ru', own: { update: userIs('user_id') }, updateExcept: ['user_id'] },
  publicSettings: { can: 'r', own: { read: { userIs: [], orTrue: ['is_public'] } } },
  secretNames: { can: 'r', hide: ['value'] },

  bedBoard: { can: 'ru', updateOnly: ['status', 'patient_id', 'managed_by'] },
  patientsClinician: { can: 'rcu', createExcept: ['merged_into_id'], updateExcept: ['merged_into_id'] },
  patientsReception: {
    can: 'rcu',
    hide: PATIENT_CLINICAL,
    createExcept: ['ward_id', 'merged_into_id'],
    updateExcept: ['ward_id', 'merged_into_id'],
  },
  patientsPharmacy: { can: 'r', hide: ['national_id', 'next_of_kin_name', 'next_of_kin_phone'] },
  patientsLab: { can: 'r', hide: PATIENT_NON_DEMOGRAPHIC },
  admissionsReception: { can: 'r', hide: ['reason'] },
  encountersNurse: {
    can: 'rcu',
    createExcept: ['diagnosis', 'icd10_code'],
    updateExcept: ['diagnosis', 'icd10_code'],
  },
  encountersReception: { can: 'r', hide: ['chief_complaint', 'notes', 'diagnosis', 'icd10_code'] },
  prescriptionsPharmacy: { can: 'ru', updateOnly: ['status'] },
  labOrdersWork: { can: 'ru', updateOnly: ['status', 'collected_at'] },
  referralsReception: { can: 'ru', hide: ['reason', 'notes'], updateOnly: ['status'] },
  dispensingReception: { can: 'r', hide: ['notes'] },

  ownNotifications: {
    can: 'rud',
    own: { read: userIs('user_id'), update: userIs('user_id'), delete: userIs('user_id') },
    updateOnly: ['is_read'],
  },
  ownTasks: {
    can: 'rcu',
    own: { read: userIs('assigned_to', 'created_by'), update: userIs('assigned_to', 'created_by') },
  },
  templates: {
    can: 'rcud',
    own: {
      read: { userIs: ['owner_id'], orTrue: ['is_shared'] },
      create: userIs('owner_id'),
      update: userIs('owner_id'),
      delete: userIs('owner_id'),
    },
  },
  messages: {
    can: 'rcu',
    own: { read: userIs('sender_id', 'recipient_id'), update: userIs('recipient_id') },
    updateOnly: ['read_at'],
  },
  reminderCancel: { can: 'ru', updateOnly: ['status'] },
  auditAppend: { can: 'c', createExcept: ['seq', 'prev_hash', 'hash'] },
  auditAdmin: { can: 'rc', createExcept: ['seq', 'prev_hash', 'hash'] },

  workstationsAdmin: {
    can: 'rcu',
    hide: ['enrollment_code_hash', 'token_hash'],
    updateExcept: ['code', 'enrolled_at', 'last_seen_at', 'app_version', 'schema_version'],
  },
  grantsAdmin: { can: 'ru', hide: ['grant_hash'], updateOnly: ['revoked_at'] },
  conflictsAdmin: {
    can: 'ru',
    updateOnly: ['status', 'resolution_value', 'resolved_by', 'resolved_at', 'resolution_note'],
  },
  conflictsOwn: {
    can: 'ru',
    own: {
      read: userIs('local_author_id', 'server_author_id'),
      update: userIs('local_author_id', 'server_author_id'),
    },
    updateOnly: ['status', 'resolution_value', 'resolved_by', 'resolved_at', 'resolution_note'],
  },
  quarantineAdmin: { can: 'ru', updateOnly: ['status', 'reviewed_by', 'reviewed_at', 'review_note'] },
  /** The author retries (after editing) or dismisses their own refused write. */
  quarantineOwn: {
    can: 'ru',
    own: { read: userIs('author_id'), update: userIs('author_id') },
    updateOnly: ['status', 'reviewed_by', 'reviewed_at', 'review_note'],
  },
  /** Whoever can act on an alert closes it; who raised it and about what is the server's. */
  alertsWork: { can: 'ru', updateOnly: ['status', 'resolved_by', 'resolved_at'] },
  mergeRequest: { can: 'rc', createExcept: ['status', 'reviewed_by', 'reviewed_at', 'review_note'] },
  mergeReview: { can: 'rcu', updateOnly: ['status', 'reviewed_by', 'reviewed_at', 'review_note'] },
} satisfies Record<string, Grant>;

// ---- the matrix ---------------------------------------------------------------------------------

/**
 * Every synced and server table. A table missing here is denied to everyone, and fails the tests.
 * Letters: r read, c create, u update, d (soft) delete.
 */
// biome-ignore format: the matrix reads as a table
export const POLICY: Readonly<Record<string, PolicyRow>> = {
  //                           admin                  doctor                 nurse                  receptionist            pharmacist              lab_technician
  // accounts
  roles:                      ['rcu',                 'r',                   'r',                   'r',                    'r',                    'r'],
  users:                      [G.usersAdmin,          G.usersSelf,           G.usersSelf,           G.usersSelf,            G.usersSelf,            G.usersSelf],
  user_credentials:           [G.credentialsAdmin,    '',                    '',                    '',                     '',                     ''],
  login_throttles:            ['r',                   '',                    '',                    '',                     '',                     ''],
  auth_sessions:              [G.sessionsAdmin,       '',                    '',                    '',                     '',                     ''],
  login_activities:           ['r',                   G.ownLogins,           G.ownLogins,           G.ownLogins,            G.ownLogins,            G.ownLogins],
  role_change_requests:       [G.roleRequestAdmin,    G.roleRequestOwn,      G.roleRequestOwn,      G.roleRequestOwn,       G.roleRequestOwn,       G.roleRequestOwn],
  doctor_profiles:            ['rcud',                G.doctorProfileOwn,    'r',                   'r',                    'r',                    'r'],
  system_settings:            ['rcud',                G.publicSettings,      G.publicSettings,      G.publicSettings,       G.publicSettings,       G.publicSettings],
  server_secrets:             [G.secretNames,         '',                    '',                    '',                     '',                     ''],
  // wards, patients, care
  wards:                      ['rcud',                'r',                   'r',                   'r',                    'r',                    'r'],
  beds:                       ['rcud',                G.bedBoard,            G.bedBoard,            'r',                    '',                     ''],
  chart_views:                ['rc',                  'c',                   'c',                   'c',                    'c',                    'c'],
  patient_merges:             [G.mergeReview,         G.mergeRequest,        G.mergeRequest,        G.mergeRequest,         '',                     ''],
  patients:                   ['rcud',                G.patientsClinician,   G.patientsClinician,   G.patientsReception,    G.patientsPharmacy,     G.patientsLab],
  admissions:                 ['rcud',                'rcu',                 'rcu',                 G.admissionsReception,  '',                     ''],
  patient_doctor_assignments: ['rcud',                'rcu',                 'r',                   'rcu',                  '',                     ''],
  appointments:               ['rcud',                'rcu',                 'rcu',                 'rcu',                  '',                     ''],
  encounters:                 ['rcud',                'rcu',                 G.encountersNurse,     G.encountersReception,  '',                     ''],
  clinical_notes:             ['rcd',                 'rc',                  'rc',                  '',                     '',                     ''],
  vitals:                     ['rcd',                 'rc',                  'rc',                  '',                     '',                     ''],
  allergies:                  ['rcud',                'rcu',                 'rcu',                 '',                     'r',                    ''],
  prescriptions:              ['rcud',                'rcu',                 'r',                   '',                     G.prescriptionsPharmacy, ''],
  lab_orders:                 ['rcud',                'rcu',                 G.labOrdersWork,       '',                     '',                     G.labOrdersWork],
  lab_results:                ['rcd',                 'r',                   'r',                   '',                     '',                     'rc'],
  medical_conditions:         ['rcud',                'rcu',                 'r',                   '',                     '',                     ''],
  surgical_histories:         ['rcud',                'rcu',                 'rcu',                 '',                     '',                     ''],
  family_histories:           ['rcud',                'rcu',                 'rcu',                 '',                     '',                     ''],
  vaccinations:               ['rcd',                 'rc',                  'rc',                  '',                     '',                     ''],
  patient_documents:          ['rcud',                'rcu',                 'rcu',                 'c',                    '',                     'c'],
  referrals:                  ['rcud',                'rcu',                 'r',                   G.referralsReception,   '',                     ''],
  telemedicine_sessions:      ['rcud',                'rcu',                 'r',                   'rcu',                  '',                     ''],
  resources:                  ['rcud',                'r',                   'r',                   'r',                    'r',                    'r'],
  resource_bookings:          ['rcud',                'rcu',                 'rcu',                 'rcu',                  '',                     ''],
  // pharmacy
  suppliers:                  ['rcud',                '',                    '',                    '',                     'rcu',                  ''],
  medication_categories:      ['rcud',                'r',                   'r',                   '',                     'rcu',                  ''],
  medication_items:           ['rcud',                'r',                   'r',                   'r',                    'rcu',                  ''],
  stock_batches:              ['rcud',                'r',                   'r',                   '',                     'rcu',                  ''],
  stock_movements:            ['rcd',                 '',                    '',                    '',                     'rc',                   ''],
  purchase_orders:            ['rcud',                '',                    '',                    '',                     'rcu',                  ''],
  purchase_order_items:       ['rcud',                '',                    '',                    '',                     'rcu',                  ''],
  goods_received_notes:       ['rcud',                '',                    '',                    '',                     'rcu',                  ''],
  grn_items:                  ['rcud',                '',                    '',                    '',                     'rcu',                  ''],
  dispensing_logs:            ['rcd',                 'r',                   'r',                   G.dispensingReception,  'rc',                   ''],
  stock_adjustments:          ['rcd',                 '',                    '',                    '',                     'rc',                   ''],
  // billing
  service_catalog_items:      ['rcud',                'r',                   'r',                   'r',                    'r',                    'r'],
  insurance_details:          ['rcud',                '',                    '',                    'rcu',                  '',                     ''],
  bills:                      ['rcud',                '',                    '',                    'rcu',                  '',                     ''],
  bill_items:                 ['rcud',                '',                    '',                    'rcu',                  '',                     ''],
  payments:                   ['rcd',                 '',                    '',                    'rc',                   '',                     ''],
  // communication
  notifications:              ['rcud',                G.ownNotifications,    G.ownNotifications,    G.ownNotifications,     G.ownNotifications,     G.ownNotifications],
  alerts:                     [G.alertsWork,          G.alertsWork,          G.alertsWork,          G.alertsWork,           G.alertsWork,           ''],
  tasks:                      ['rcud',                'rcu',                 'rcu',                 G.ownTasks,             G.ownTasks,             G.ownTasks],
  note_templates:             ['rcud',                G.templates,           G.templates,           '',                     '',                     ''],
  secure_messages:            ['rcd',                 G.messages,            G.messages,            G.messages,             G.messages,             G.messages],
  appointment_notifications:  ['rcu',                 '',                    '',                    G.reminderCancel,       '',                     ''],
  audit_log:                  [G.auditAdmin,          G.auditAppend,         G.auditAppend,         G.auditAppend,          G.auditAppend,          G.auditAppend],
  // sync
  workstations:               [G.workstationsAdmin,   '',                    '',                    '',                     '',                     ''],
  authoring_grants:           [G.grantsAdmin,         '',                    '',                    '',                     '',                     ''],
  applied_mutations:          ['r',                   '',                    '',                    '',                     '',                     ''],
  sync_conflicts:             [G.conflictsAdmin,      G.conflictsOwn,        G.conflictsOwn,        G.conflictsOwn,         G.conflictsOwn,         G.conflictsOwn],
  quarantined_mutations:      [G.quarantineAdmin,     G.quarantineOwn,       G.quarantineOwn,       G.quarantineOwn,        G.quarantineOwn,        G.quarantineOwn],
  // sync engine internals, written by the server itself
  change_log:                 ['r',                   '',                    '',                    '',                     '',                     ''],
  field_clocks:               ['r',                   '',                    '',                    '',                     '',                     ''],
  sync_counters:              ['r',                   '',                    '',                    '',                     '',                     ''],
  snapshot_plans:             ['r',                   '',                    '',                    '',                     '',                     ''],
  rate_limit_hits:            ['r',                   '',                    '',                    '',                     '',                     ''],
  update_rings:               ['r',                   '',                    '',                    '',                     '',                     ''],
};

/**
 * The column that names the author of a new row: on create it must equal the acting user, for
 * every role (the server re-checks it against the mutation's authenticated author).
 */
export const AUTHOR_COLUMN: Readonly<Record<string, string>> = {
  clinical_notes: 'author_id',
  vitals: 'recorded_by',
  prescriptions: 'prescriber_id',
  lab_orders: 'ordered_by',
  lab_results: 'resulted_by',
  dispensing_logs: 'dispensed_by',
  stock_adjustments: 'adjusted_by',
  stock_movements: 'moved_by',
  payments: 'received_by',
  secure_messages: 'sender_id',
  audit_log: 'user_id',
};

/** The only fields of append-only tables anyone may update (always under an ownership condition). */
export const APPEND_ONLY_UPDATABLE: Readonly<Record<string, readonly string[]>> = {
  secure_messages: ['read_at'],
};

// ---- evaluation ---------------------------------------------------------------------------------

const LETTER: Record<Action, string> = { read: 'r', create: 'c', update: 'u', delete: 'd' };

interface Resolved {
  table: AnyTableModel;
  grant: Grant;
}

function resolve(role: string, tableName: string): Resolved | null {
  const i = ROLE_NAMES.indexOf(role as RoleName);
  const row = POLICY[tableName];
  const table = tableByName(tableName);
  if (i < 0 || !row || !table || table.placement === 'local') return null;
  const cell = row[i] as Cell;
  return { table, grant: typeof cell === 'string' ? { can: cell } : cell };
}

function allowsAction({ table, grant }: Resolved, action: Action): boolean {
  if (!grant.can.includes(LETTER[action])) return false;
  // Append-only rows are facts: never updated (bar the listed fields), never deleted but by an admin.
  if (table.appendOnly && action === 'update' && !APPEND_ONLY_UPDATABLE[table.name]) return false;
  if (table.name === 'audit_log' && (action === 'update' || action === 'delete')) return false;
  return true;
}

const SYSTEM = new Set<string>(SYSTEM_COLUMNS);

function readable({ table, grant }: Resolved): string[] {
  const hidden = new Set(grant.hide ?? []);
  return Object.keys(table.columns).filter((c) => SYSTEM.has(c) || !hidden.has(c));
}

function writable(r: Resolved, action: 'create' | 'update'): string[] {
  const { table, grant } = r;
  const cols = readable(r);
  if (action === 'create') {
    const except = new Set(grant.createExcept ?? []);
    return cols.filter((c) => (c === 'id' || !SYSTEM.has(c)) && !except.has(c));
  }
  const immutable = new Set(immutableColumns(table));
  const except = new Set(grant.updateExcept ?? []);
  const only = grant.updateOnly ? new Set(grant.updateOnly) : null;
  const appendOnly = table.appendOnly ? new Set(APPEND_ONLY_UPDATABLE[table.name] ?? []) : null;
  return cols.filter(
    (c) =>
      !SYSTEM.has(c) &&
      !immutable.has(c) &&
      !except.has(c) &&
      (!only || only.has(c)) &&
      (!appendOnly || appendOnly.has(c)),
  );
}

/**
 * The fields `role` may read, create or update in a table, worked out once: the server asks for
 * every field of every mutation it applies. Keyed only by a role and table that resolved, so the
 * cache cannot be grown by what a client sends.
 */
const fieldSets = new Map<string, ReadonlySet<string>>();
function allowedFields(role: string, r: Resolved, action: 'read' | 'create' | 'update'): ReadonlySet<string> {
  const key = `${role}/${r.table.name}/${action}`;
  let set = fieldSets.get(key);
  if (!set) {
    set = new Set(action === 'read' ? readable(r) : writable(r, action));
    fieldSets.set(key, set);
  }
  return set;
}

/** May `role` do `action` on `table` (and, when given, on `field`)? Unknown role/table/field → false. */
export function can(role: string, action: Action, table: string, field?: string): boolean {
  return explain(role, action, table, field) === null;
}

/** Why `role` may not do `action` on `table`/`field`, as a sentence; null when it may. */
export function explain(role: string, action: Action, table: string, field?: string): string | null {
  if (!ROLE_NAMES.includes(role as RoleName)) return `unknown role "${role}"`;
  if (!ACTIONS.includes(action)) return `unknown action "${action}"`;
  const r = resolve(role, table);
  if (!r) return `no policy for table "${table}"`;
  if (!allowsAction(r, action)) {
    if (r.table.name === 'audit_log' && action !== 'read' && action !== 'create')
      return `no one may ${action} audit_log (it is append-only and hash-chained)`;
    if (r.table.appendOnly && action === 'update' && allowsAction(r, 'read'))
      return `${table} is append-only: write an amending row instead of updating`;
    return `${role} may not ${action} ${table}`;
  }
  if (field === undefined || action === 'delete') return null;
  if (!(field in r.table.columns)) return `${table} has no field "${field}"`;
  if (allowedFields(role, r, action).has(field)) return null;
  if (action === 'read') return `${role} may not read ${table}.${field}`;
  if (SYSTEM.has(field)) return `${table}.${field} is set by the system`;
  if (action === 'update' && immutableColumns(r.table).includes(field))
    return `${table}.${field} cannot be changed after the row is created`;
  return `${role} may not ${action} ${table}.${field}`;
}

/** Columns `role` may read in `table` (system columns included); empty when the table is not readable. */
export function readableFields(role: string, table: string): readonly string[] {
  const r = resolve(role, table);
  return r && allowsAction(r, 'read') ? readable(r) : [];
}

/**
 * The roles whose work a kind of workstation is for: what they may read is what the PC holds, and
 * the server takes no field from a PC that none of them may read (whoever signs in there).
 */
export const KIND_ROLES: Readonly<Record<WorkstationKind, readonly RoleName[]>> = {
  admin: ROLE_NAMES,
  ward: ['doctor', 'nurse'],
  pharmacy: ['pharmacist'],
  reception: ['receptionist'],
  lab: ['lab_technician'],
};

const heldByKind = new Map<string, ReadonlySet<string>>();

/**
 * Columns of `table` that a PC of `kind` holds: those some role working there may read (system
 * columns included). Asked for every shape request and every write, fixed by the policy: worked out
 * once per kind and table.
 */
export function kindFields(kind: WorkstationKind, table: string): ReadonlySet<string> {
  const key = `${kind}/${table}`;
  let columns = heldByKind.get(key);
  if (!columns) {
    columns = new Set(KIND_ROLES[kind].flatMap((role) => readableFields(role, table)));
    heldByKind.set(key, columns);
  }
  return columns;
}

/** Whether a PC of `kind` holds (and so may send) `field` of `table`. */
export function kindHolds(kind: WorkstationKind, table: string, field: string): boolean {
  return kindFields(kind, table).has(field);
}

/**
 * Why a PC of `kind` may not send `fields` of `table` (a table it holds), or null when it may. A
 * field none of its roles may read is refused whoever signs in there (an admin at a ward PC, say):
 * the PC would never receive the value back. The server refuses it in these words, and the PC does
 * too, before the write is queued.
 */
export function kindRefusal(kind: WorkstationKind, table: string, fields: readonly string[]): string | null {
  const held = kindFields(kind, table);
  const foreign = fields.filter((f) => !held.has(f));
  return foreign.length
    ? `outside this workstation's scope: a ${kind} workstation does not hold ${foreign.map((f) => `${table}.${f}`).join(', ')}`
    : null;
}

/** Columns `role` may set on create / change on update in `table`; empty when the action is denied. */
export function writableFields(role: string, table: string, action: 'create' | 'update'): readonly string[] {
  const r = resolve(role, table);
  return r && allowsAction(r, action) ? writable(r, action) : [];
}

/**
 * The ownership condition on rows `role` may `action` in `table`, or null when any row goes
 * (or the action is denied: check `can` first). On create it constrains the new row; the table's
 * `AUTHOR_COLUMN` applies for every role.
 */
export function rowCondition(role: string, table: string, action: Action = 'read'): RowCondition | null {
  const r = resolve(role, table);
  if (!r || !allowsAction(r, action)) return null;
  const author = action === 'create' ? AUTHOR_COLUMN[table] : undefined;
  // No table has both an author column and a create condition (a test pins this), so one wins.
  return author ? { userIs: [author] } : (r.grant.own?.[action] ?? null);
}

/** True when `row` satisfies `cond` for the acting user `userId`. */
export function rowMatches(
  cond: RowCondition | null,
  row: Readonly<Record<string, unknown>>,
  userId: string,
): boolean {
  if (!cond) return true;
  return cond.userIs.some((c) => row[c] === userId) || (cond.orTrue ?? []).some((c) => row[c] === true);
}

/**
 * One check for a whole write: may `role` do `action` on `table` touching `fields`, on a row that
 * (for create: the new row; for update/delete: the stored row) belongs as `rowCondition` requires?
 * Returns the first reason to refuse, fit for a quarantine record, or null.
 */
export function authorizeWrite(
  role: string,
  action: WriteAction,
  table: string,
  fields: readonly string[],
  ctx?: { userId: string; row: Readonly<Record<string, unknown>> },
): string | null {
  const denied = explain(role, action, table);
  if (denied) return denied;
  if (action !== 'delete')
    for (const f of fields) {
      const reason = explain(role, action, table, f);
      if (reason) return reason;
    }
  const cond = rowCondition(role, table, action);
  if (cond && ctx && !rowMatches(cond, ctx.row, ctx.userId))
    return `${role} may ${action} ${table} only where ${[...cond.userIs, ...(cond.orTrue ?? [])].join(' or ')} is their own`;
  return null;
}

/** Every table the policy must cover (synced and server). */
export const policedTables = (): readonly AnyTableModel[] => tablesIn('synced', 'server');
