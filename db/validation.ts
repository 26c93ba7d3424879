/**
 * Write validation for every synced table, derived from the column metadata of `db/schema`.
 *
 * Why from `ColumnMeta` and not drizzle-zod: the metadata is dialect-neutral and already says what
 * we need (kind, nullability, default, enum values, minimum), while drizzle-zod reads one dialect's
 * builders (a SQLite `integer` cannot tell int from money from boolean; a Postgres `bigint` is not
 * a safe integer rule). One derivation here serves the workstation core and the sync server alike.
 *
 * Rules (each failure is `{field, rule, message}`; `field` is `''` for the write as a whole):
 * - Writes are strict plain objects: unknown keys (`unknown_field`), `__proto__`/`constructor`/
 *   `prototype` (`forbidden_key`) and non-plain objects (`plain_object`) are rejected.
 * - System columns (`created_at, updated_at, created_by, updated_by, deleted_at, version`) are
 *   **rejected** (`system_managed`), not stripped: the server stamps them from the authenticated
 *   author and its own clock, so a client sending them is either a bug or forging authorship, and a
 *   quarantined mutation with a clear reason is better than a silent drop. Callers holding a full
 *   row use `withoutSystemColumns()` first. `id` is optional on insert (a lowercase UUID if given;
 *   the DSL's default makes a UUIDv7 when absent) and never updatable. Soft delete (`deleted_at`) is
 *   a delete mutation, not an update.
 * - Insert: required = NOT NULL without default; NOT NULL with default = optional, not null;
 *   nullable = optional or null. Update: partial, at least one field, no system or immutable column
 *   (`immutableColumns`: MRNs, document numbers, and the `patient_id` that ties a row to its patient;
 *   re-pointing on a patient merge is a server procedure, not a client write).
 * - Types: uuid → lowercase canonical UUID (Postgres lowercases, SQLite would keep the case, so the
 *   two replicas would disagree); text → string ≤ 10,000 chars (100,000 for notes-like columns), no
 *   NUL (Postgres rejects it), NOT NULL text not blank; enum → one of the values; int → integer in
 *   int4 range, `min` honoured; money → safe integer of minor units; real → finite number; bool →
 *   boolean; timestamp → ISO-8601 with `Z` or offset, **normalised to UTC `…Z` with milliseconds**
 *   (the form the workstation stores and sorts as text); date → a real calendar `YYYY-MM-DD`;
 *   json → a JSON value (finite numbers, plain objects, depth ≤ 32, ≤ 1 MB, no forbidden keys).
 * - Table rules mirror the non-column CHECKs of the table files (`TABLE_RULES`); a test fails when a
 *   table gains a CHECK without a mirror here. On update they apply to the fields present, or to the
 *   merged row when the caller passes the current row (`validateWrite(…, {current})`).
 */
import { z } from 'zod';
import { isRealDate, normalizeTimestamp, type Row, type ValidationIssue } from './primitives/index.ts';
import type { AnyTableModel, ColumnMeta } from './schema/dsl.ts';
import { tableByName } from './schema/index.ts';

export type WriteOp = 'insert' | 'update';

export type ValidationResult<T = Record<string, unknown>> =
  | { ok: true; value: T }
  | { ok: false; issues: ValidationIssue[] };

/** Columns the server manages on synced tables; `id` is the client's on insert only. */
export const SYSTEM_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'created_by',
  'updated_by',
  'deleted_at',
  'version',
] as const;
export type SystemColumn = (typeof SYSTEM_COLUMNS)[number];
const SYSTEM = new Set<string>(SYSTEM_COLUMNS);

export const TEXT_MAX = 10_000;
export const LONG_TEXT_MAX = 100_000;
/** Free-text clinical and narrative columns that may be long. */
const LONG_TEXT_COLUMNS = new Set([
  'notes',
  'body',
  'message',
  'description',
  'clinical_notes',
  'instructions',
  'bio',
  'diagnosis',
  'chief_complaint',
  'review_notes',
]);
const INT4_MIN = -2_147_483_648;
const INT4_MAX = 2_147_483_647;
const JSON_MAX_DEPTH = 32;
const JSON_MAX_CHARS = 1_000_000;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Text columns with a fixed format, by `table.column`. */
const TEXT_FORMATS: Record<string, { re: RegExp; rule: string; what: string }> = {
  'appointments.time': { re: /^([01]\d|2[0-3]):[0-5]\d$/, rule: 'time', what: 'a time of day HH:MM (24 h)' },
  'patient_documents.sha256': {
    re: /^[0-9a-f]{64}$/,
    rule: 'sha256',
    what: '64 lowercase hex digits (SHA-256)',
  },
  'patients.email': { re: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, rule: 'email', what: 'an e-mail address' },
  'users.email': { re: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, rule: 'email', what: 'an e-mail address' },
  'suppliers.email': { re: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, rule: 'email', what: 'an e-mail address' },
};

/**
 * Columns that never change after insert, beyond the system columns. A NOT NULL `patient_id` ties a
 * clinical or billing row to its patient for good (a wrong-patient row is soft-deleted and written
 * again; a merge re-points rows server-side).
 */
const IMMUTABLE: Record<string, readonly string[]> = {
  patients: ['mrn'],
  bills: ['bill_number'],
  purchase_orders: ['order_number'],
  goods_received_notes: ['grn_number'],
  lab_results: ['lab_order_id'],
  bill_items: ['bill_id'],
  payments: ['bill_id', 'receipt_number'],
  patient_merges: ['survivor_id', 'merged_id'],
  alerts: ['kind', 'subject_key'],
  grn_items: ['goods_received_note_id'],
  purchase_order_items: ['purchase_order_id'],
  stock_movements: ['stock_batch_id', 'medication_item_id'],
  appointment_notifications: ['appointment_id'],
};

export function immutableColumns(table: Pick<TableMeta, 'name' | 'columns'>): readonly string[] {
  const cols = [...(IMMUTABLE[table.name] ?? [])];
  if (table.columns.patient_id?.notNull) cols.push('patient_id');
  return cols;
}

/** What validation reads of a table model (any concrete model from `db/schema` fits). */
export type TableMeta = Pick<AnyTableModel, 'name' | 'placement' | 'appendOnly' | 'columns'>;
/** A concrete model, for the typed row of its writes. */
export type ModelLike = TableMeta & { lite: { $inferInsert: object } };

/** A rule mirroring a table-level CHECK (`check` = the suffix in the table file's `checks`). */
export interface TableRule {
  check: string;
  fields: readonly string[];
  /** The field named in the issue. */
  field: string;
  rule: string;
  message: string;
  /** Called only when every field is present and non-null (SQL CHECKs pass on NULL). */
  holds: (row: Row) => boolean;
}

const num = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);
const time = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : Number.NaN);

export const TABLE_RULES: Readonly<Record<string, readonly TableRule[]>> = {
  vitals: [
    {
      check: 'spo2_range',
      fields: ['oxygen_saturation'],
      field: 'oxygen_saturation',
      rule: 'max',
      message: 'oxygen_saturation must be at most 100 (%)',
      holds: (r) => num(r.oxygen_saturation) <= 100,
    },
    {
      check: 'pain_range',
      fields: ['pain_score'],
      field: 'pain_score',
      rule: 'max',
      message: 'pain_score must be at most 10',
      holds: (r) => num(r.pain_score) <= 10,
    },
    {
      check: 'temperature_range',
      fields: ['temperature_c'],
      field: 'temperature_c',
      rule: 'range',
      message: 'temperature_c must be between 20 and 45 °C (exclusive)',
      holds: (r) => num(r.temperature_c) > 20 && num(r.temperature_c) < 45,
    },
  ],
  admissions: [
    {
      check: 'discharge_order',
      fields: ['admitted_at', 'discharged_at'],
      field: 'discharged_at',
      rule: 'after',
      message: 'discharged_at must not be before admitted_at',
      holds: (r) => time(r.discharged_at) >= time(r.admitted_at),
    },
  ],
  patient_merges: [
    {
      check: 'distinct_records',
      fields: ['survivor_id', 'merged_id'],
      field: 'merged_id',
      rule: 'distinct',
      message: 'a record cannot be merged into itself',
      holds: (r) => r.survivor_id !== r.merged_id,
    },
  ],
  resource_bookings: [
    {
      check: 'time_order',
      fields: ['start_time', 'end_time'],
      field: 'end_time',
      rule: 'after',
      message: 'end_time must be after start_time',
      holds: (r) => time(r.end_time) > time(r.start_time),
    },
  ],
  insurance_details: [
    {
      check: 'coverage_max',
      fields: ['coverage_percent'],
      field: 'coverage_percent',
      rule: 'max',
      message: 'coverage_percent must be at most 100',
      holds: (r) => num(r.coverage_percent) <= 100,
    },
    {
      check: 'validity_order',
      fields: ['valid_from', 'valid_until'],
      field: 'valid_until',
      rule: 'after',
      message: 'valid_until must not be before valid_from',
      holds: (r) => String(r.valid_until) >= String(r.valid_from),
    },
  ],
  stock_movements: [
    {
      check: 'quantity_nonzero',
      fields: ['quantity'],
      field: 'quantity',
      rule: 'nonzero',
      message: 'quantity must not be 0',
      holds: (r) => num(r.quantity) !== 0,
    },
  ],
  stock_adjustments: [
    {
      check: 'quantity_nonzero',
      fields: ['quantity'],
      field: 'quantity',
      rule: 'nonzero',
      message: 'quantity must not be 0',
      holds: (r) => num(r.quantity) !== 0,
    },
  ],
};

function isPlainObject(v: unknown): v is Row {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Why `v` is not a JSON value, or null when it is. */
function jsonProblem(v: unknown, depth = 0): string | null {
  if (depth > JSON_MAX_DEPTH) return `nests deeper than ${JSON_MAX_DEPTH} levels`;
  if (v === null || typeof v === 'boolean') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? null : 'contains a non-finite number';
  if (typeof v === 'string') return v.includes('\u0000') ? 'contains a NUL character' : null;
  if (Array.isArray(v)) {
    for (const item of v) {
      const p = jsonProblem(item, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (isPlainObject(v)) {
    for (const [k, item] of Object.entries(v)) {
      if (FORBIDDEN_KEYS.has(k)) return `contains the forbidden key "${k}"`;
      if (k.includes('\u0000')) return 'contains a NUL character in a key';
      const p = jsonProblem(item, depth + 1);
      if (p) return p;
    }
    return null;
  }
  return `contains a value of type ${typeof v}`;
}

type Issue = {
  code: 'custom';
  message: string;
  params: { rule: string };
  input: unknown;
  path?: PropertyKey[];
};
const issue = (rule: string, message: string, input: unknown, path?: PropertyKey[]): Issue => ({
  code: 'custom',
  message,
  params: { rule },
  input,
  ...(path ? { path } : {}),
});

/** The schema of one column's non-null value. */
function valueSchema(tableName: string, field: string, meta: ColumnMeta): z.ZodType {
  const typeError = (what: string) => ({ error: () => `${field} must be ${what}` });
  // A plain 64-bit integer (counters, byte sizes): a safe integer in JavaScript.
  if ((meta.kind as string) === 'bigint')
    return z.number(typeError('an integer')).check((ctx) => {
      if (!Number.isSafeInteger(ctx.value))
        ctx.issues.push(issue('integer', `${field} must be a safe integer`, ctx.value));
      else if (meta.min && (meta.min.exclusive ? ctx.value <= meta.min.value : ctx.value < meta.min.value))
        ctx.issues.push(
          issue(
            meta.min.exclusive ? 'positive' : 'non_negative',
            `${field} must be ${meta.min.exclusive ? 'greater than' : 'at least'} ${meta.min.value}`,
            ctx.value,
          ),
        );
    });
  switch (meta.kind) {
    case 'uuid':
      return z.string(typeError('a UUID string')).check((ctx) => {
        if (!UUID_RE.test(ctx.value))
          ctx.issues.push(
            issue('uuid', `${field} must be a lowercase UUID (8-4-4-4-12 hex digits)`, ctx.value),
          );
      });
    case 'text': {
      if (meta.enumValues) {
        const values = meta.enumValues;
        return z.string(typeError(`one of: ${values.join(', ')}`)).check((ctx) => {
          if (!values.includes(ctx.value))
            ctx.issues.push(issue('enum', `${field} must be one of: ${values.join(', ')}`, ctx.value));
        });
      }
      const max = LONG_TEXT_COLUMNS.has(field) ? LONG_TEXT_MAX : TEXT_MAX;
      const format = TEXT_FORMATS[`${tableName}.${field}`];
      return z.string(typeError('a string')).check((ctx) => {
        const v = ctx.value;
        if (v.length > max)
          ctx.issues.push(issue('max_length', `${field} must be at most ${max} characters`, v));
        if (v.includes('\u0000'))
          ctx.issues.push(issue('no_nul', `${field} must not contain NUL characters`, v));
        if (meta.notNull && v.trim() === '')
          ctx.issues.push(issue('not_blank', `${field} must not be blank`, v));
        else if (format && v !== '' && !format.re.test(v))
          ctx.issues.push(issue(format.rule, `${field} must be ${format.what}`, v));
      });
    }
    case 'int':
    case 'money':
      return z.number(typeError(meta.kind === 'money' ? 'a number' : 'an integer')).check((ctx) => {
        const v = ctx.value;
        if (meta.kind === 'money') {
          if (!Number.isSafeInteger(v)) {
            ctx.issues.push(
              issue(
                'money',
                `${field} must be a whole number of minor units (e.g. bututs), not a fraction`,
                v,
              ),
            );
            return;
          }
        } else if (!Number.isInteger(v)) {
          ctx.issues.push(issue('integer', `${field} must be an integer`, v));
          return;
        } else if (v < INT4_MIN || v > INT4_MAX) {
          ctx.issues.push(issue('int_range', `${field} must be between ${INT4_MIN} and ${INT4_MAX}`, v));
          return;
        }
        if (meta.min?.exclusive && v <= meta.min.value)
          ctx.issues.push(issue('positive', `${field} must be greater than ${meta.min.value}`, v));
        if (meta.min && !meta.min.exclusive && v < meta.min.value)
          ctx.issues.push(issue('non_negative', `${field} must be ${meta.min.value} or more`, v));
      });
    case 'real':
      return z.number(typeError('a number')).check((ctx) => {
        if (!Number.isFinite(ctx.value))
          ctx.issues.push(issue('finite', `${field} must be a finite number`, ctx.value));
      });
    case 'bool':
      return z.boolean(typeError('true or false'));
    case 'timestamp':
      return z
        .string(typeError('an ISO-8601 date-time string'))
        .check((ctx) => {
          if (normalizeTimestamp(ctx.value) === null)
            ctx.issues.push(
              issue(
                'timestamp',
                `${field} must be an ISO-8601 date-time with Z or an offset, e.g. 2024-05-01T08:30:00Z`,
                ctx.value,
              ),
            );
        })
        .transform((v) => normalizeTimestamp(v) ?? v);
    case 'date':
      return z.string(typeError('a date string YYYY-MM-DD')).check((ctx) => {
        if (!isRealDate(ctx.value))
          ctx.issues.push(issue('date', `${field} must be a real calendar date YYYY-MM-DD`, ctx.value));
      });
    case 'json':
      return z.unknown().check((ctx) => {
        if (ctx.value === undefined)
          return void ctx.issues.push(issue('required', `${field} is required`, ctx.value));
        if (ctx.value === null && meta.notNull)
          return void ctx.issues.push(issue('not_null', `${field} may not be null`, ctx.value));
        const p = jsonProblem(ctx.value);
        if (p) ctx.issues.push(issue('json', `${field} must be a JSON value (it ${p})`, ctx.value));
        else if ((JSON.stringify(ctx.value)?.length ?? 0) > JSON_MAX_CHARS)
          ctx.issues.push(
            issue('json', `${field} must be at most ${JSON_MAX_CHARS} characters as JSON`, ctx.value),
          );
      });
    default:
      throw new Error(
        `unsupported column kind ${String((meta as { kind: unknown }).kind)} for ${tableName}.${field}`,
      );
  }
}

function columnSchema(tableName: string, field: string, meta: ColumnMeta, op: WriteOp): z.ZodType {
  // JSON null on a nullable json column is stored as SQL NULL; on a NOT NULL one it is refused.
  const value = valueSchema(tableName, field, meta);
  if (!meta.notNull) return value.nullable().optional();
  if (op === 'insert' && !meta.hasDefault) return value;
  return value.optional();
}

/** Drops the system columns (keeping `id` when `keepId`), for callers that hold a whole row. */
export function withoutSystemColumns(row: Row, keepId = true): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) if (!SYSTEM.has(k) || (keepId && k === 'id')) out[k] = v;
  return out;
}

function resolveTable(table: TableMeta | string): TableMeta {
  const model = typeof table === 'string' ? tableByName(table) : table;
  if (!model) throw new Error(`unknown table "${String(table)}"`);
  if (model.placement !== 'synced')
    throw new Error(
      `table "${model.name}" is ${model.placement}-only: it is not written through sync mutations`,
    );
  return model;
}

function applyTableRules(tableName: string, row: Row, push: (i: Issue) => void) {
  for (const r of TABLE_RULES[tableName] ?? []) {
    if (r.fields.some((f) => row[f] === undefined || row[f] === null)) continue;
    if (!r.holds(row)) push(issue(r.rule, r.message, row[r.field], [r.field]));
  }
}

function buildSchema(table: TableMeta, op: WriteOp): z.ZodType<Row> {
  const immutable = new Set(op === 'update' ? immutableColumns(table) : []);
  const shape: Record<string, z.ZodType> = {};
  for (const [field, meta] of Object.entries(table.columns)) {
    if (field === 'id') {
      if (op === 'insert') shape.id = valueSchema(table.name, 'id', meta).optional();
      continue;
    }
    if (SYSTEM.has(field) || immutable.has(field)) continue;
    shape[field] = columnSchema(table.name, field, meta, op);
  }
  const guard = z.unknown().check((ctx) => {
    if (!isPlainObject(ctx.value))
      ctx.issues.push(issue('plain_object', `a ${table.name} ${op} must be a plain JSON object`, ctx.value));
  });
  const object = z.strictObject(shape).check((ctx) => {
    const row = ctx.value as Row;
    if (op === 'update' && Object.values(row).every((v) => v === undefined))
      ctx.issues.push(issue('non_empty', `an update of ${table.name} must change at least one field`, row));
    applyTableRules(table.name, row, (i) => ctx.issues.push(i));
  });
  return guard.pipe(object).transform((row) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(row)) if (v !== undefined) out[k] = v;
    return out;
  });
}

const cache = new Map<string, z.ZodType<Row>>();
function cached(table: TableMeta | string, op: WriteOp): z.ZodType<Row> {
  const model = resolveTable(table);
  const key = `${op}:${model.name}`;
  let schema = cache.get(key);
  if (!schema) {
    schema = buildSchema(model, op);
    cache.set(key, schema);
  }
  return schema;
}

/** Row type of an insert into `T` (system columns excluded, `id` optional). */
export type InsertOf<T extends ModelLike> = Omit<T['lite']['$inferInsert'], Exclude<SystemColumn, 'id'>>;
/** Row type of an update of `T` (any subset of the non-system columns). */
export type UpdateOf<T extends ModelLike> = Partial<Omit<T['lite']['$inferInsert'], SystemColumn>>;

/** Zod schema of an insert into a synced table (by model or name). Cached per table. */
export function insertSchema<T extends ModelLike = AnyTableModel>(table: T | string): z.ZodType<InsertOf<T>> {
  return cached(table, 'insert') as unknown as z.ZodType<InsertOf<T>>;
}

/** Zod schema of an update of a synced table: partial, non-empty, no system/immutable columns. */
export function updateSchema<T extends ModelLike = AnyTableModel>(table: T | string): z.ZodType<UpdateOf<T>> {
  return cached(table, 'update') as unknown as z.ZodType<UpdateOf<T>>;
}

function toIssues(table: TableMeta, op: WriteOp, data: unknown, error: z.ZodError): ValidationIssue[] {
  const input = isPlainObject(data) ? data : {};
  const out: ValidationIssue[] = [];
  for (const i of error.issues) {
    const field = typeof i.path[0] === 'string' ? i.path[0] : '';
    if (i.code === 'unrecognized_keys') {
      for (const key of i.keys) {
        if (FORBIDDEN_KEYS.has(key))
          out.push({ field: key, rule: 'forbidden_key', message: `${key} is not allowed` });
        else if (SYSTEM.has(key))
          out.push({
            field: key,
            rule: 'system_managed',
            message: `${key} is set by the system and may not be written${key === 'deleted_at' ? ' (delete the row instead)' : ''}`,
          });
        else if (op === 'update' && immutableColumns(table).includes(key))
          out.push({
            field: key,
            rule: 'immutable',
            message: `${key} cannot be changed after the row is created`,
          });
        else
          out.push({ field: key, rule: 'unknown_field', message: `${key} is not a field of ${table.name}` });
      }
      continue;
    }
    const rule = (i.code === 'custom' && typeof i.params?.rule === 'string' && i.params.rule) || null;
    if (rule) {
      out.push({ field, rule, message: i.message });
      continue;
    }
    if (i.code === 'invalid_type' && field) {
      const given = input[field];
      if (given === undefined) out.push({ field, rule: 'required', message: `${field} is required` });
      else if (given === null) out.push({ field, rule: 'not_null', message: `${field} may not be null` });
      else out.push({ field, rule: 'type', message: i.message });
      continue;
    }
    if (i.code === 'custom' && field && input[field] === null) {
      out.push({ field, rule: 'not_null', message: `${field} may not be null` });
      continue;
    }
    out.push({ field, rule: i.code, message: field ? `${field}: ${i.message}` : i.message });
  }
  return out;
}

export interface ValidateOptions {
  /** For updates: the row as it stands, so table rules (e.g. end after start) see the merged row. */
  current?: Row;
}

/**
 * Validates one write to a synced table. On success `value` is the write as it should be stored
 * (timestamps normalised to UTC, undefined keys dropped); on failure every issue names its field and rule.
 */
export function validateWrite(
  tableName: string,
  op: WriteOp,
  data: unknown,
  options: ValidateOptions = {},
): ValidationResult {
  let table: TableMeta;
  try {
    table = resolveTable(tableName);
  } catch (e) {
    return { ok: false, issues: [{ field: '', rule: 'unknown_table', message: (e as Error).message }] };
  }
  if (op !== 'insert' && op !== 'update')
    return {
      ok: false,
      issues: [{ field: '', rule: 'unknown_op', message: `unknown write operation "${String(op)}"` }],
    };
  const result = cached(table, op).safeParse(data);
  if (!result.success) {
    const issues = toIssues(table, op, data, result.error);
    // Zod skips object-level rules once a field failed; run them on the fields that passed so one
    // answer lists every problem.
    if (isPlainObject(data)) {
      const bad = new Set(issues.map((i) => i.field));
      applyTableRules(table.name, data, (i) => {
        const field = String(i.path?.[0] ?? '');
        const r = TABLE_RULES[table.name]?.find((t) => t.field === field && t.rule === i.params.rule);
        if (
          r?.fields.some((f) => bad.has(f)) ||
          issues.some((x) => x.field === field && x.rule === i.params.rule)
        )
          return;
        issues.push({ field, rule: i.params.rule, message: i.message });
      });
    }
    return { ok: false, issues };
  }
  if (op === 'update' && options.current) {
    const issues: ValidationIssue[] = [];
    applyTableRules(table.name, { ...options.current, ...result.data }, (i) =>
      issues.push({ field: String(i.path?.[0] ?? ''), rule: i.params.rule, message: i.message }),
    );
    if (issues.length) return { ok: false, issues };
  }
  return { ok: true, value: result.data };
}
