/**
 * The wire contract between a workstation and the sync server, validated with zod at both ends.
 *
 * Read path: the Electric HTTP shape protocol at `GET /v1/shape?table=<name>` (see
 * shared/notes/electric-shape-protocol.md); the server decides rows, the client only names tables
 * from `GET /api/sync/scope`.
 *
 * Write path: `POST /api/sync/mutations` with a `MutationBatch`; the answer is a `MutationResults`
 * with one outcome per mutation, in order.
 */
import { z } from 'zod';
import { WORKSTATION_KINDS } from './schema/enums.ts';

/**
 * Bumped whenever the synced tables or the mutation format change shape; a workstation on another
 * version is told to update (its outbox is kept). 2: units of work, alerts, merges, receipts.
 */
export const SYNC_SCHEMA_VERSION = 2;

/**
 * The header a PC names its app version in (on its heartbeat, `GET /api/sync/scope`), so the admin
 * desk sees which release each PC runs, and how far a ring's rollout has gone.
 */
export const APP_VERSION_HEADER = 'x-hms-app-version';

/**
 * Hybrid logical clock, `<ms since epoch, 13 digits>-<counter, 6 digits>-<node id>`: compares as a
 * string, so the greatest HLC string is the latest write whatever the device's wall clock said.
 */
export const HLC_PATTERN = /^\d{13}-\d{6}-[0-9a-z-]{1,64}$/;

/**
 * The longest the server holds a live shape request when nothing changes. A workstation gives up on
 * a live request some seconds after this (its connection is presumed dead), so both ends read it here.
 */
export const LIVE_TIMEOUT_MS = 20_000;

const fieldName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a snake_case column name');
const columnValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.record(z.string(), z.unknown()),
  z.array(z.unknown()),
]);

export const MutationSchema = z.strictObject({
  /** Client-made UUID: the server applies a given id once, however often it is uploaded. */
  id: z.uuid(),
  /**
   * The unit of work (one operation on the workstation). The mutations of a unit are consecutive in
   * a batch and applied all or none: if one is quarantined, all are, with the same reason.
   */
  tx_id: z.uuid(),
  table: fieldName,
  row_id: z.uuid(),
  op: z.enum(['insert', 'update', 'delete']),
  /** The user logged in on the workstation when the change was made (offline logins included). */
  author_id: z.uuid(),
  hlc: z.string().regex(HLC_PATTERN, 'must be an HLC timestamp'),
  /** The workstation's wall clock when the change was made, for the audit log only. */
  device_time: z.iso.datetime({ offset: true }),
  /** insert: the new row's columns (without the system-managed ones). */
  data: z.record(fieldName, columnValue).optional(),
  /** update: each changed column with the value it had when the change was made (`base`) and its new value. */
  changes: z.record(fieldName, z.strictObject({ base: columnValue, value: columnValue })).optional(),
  /** update/delete: the row version the change was made against. */
  base_version: z.number().int().positive().optional(),
});
export type Mutation = z.infer<typeof MutationSchema>;

export const MutationBatchSchema = z.strictObject({
  schema_version: z.number().int().positive(),
  /** Authoring grants by user id: each author's proof, issued at that user's last online login here. */
  grants: z.record(z.uuid(), z.string().min(16).max(200)),
  /**
   * The last mutation of the batch this PC sent before this one and has not yet had answered
   * (batches are pipelined): the server applies this batch only once that one is applied, and
   * answers 409 `out_of_order` if it never comes.
   */
  after: z.uuid().optional(),
  /**
   * Each mutation is checked on its own (`MutationSchema`): one malformed mutation is quarantined
   * with its reason (with the rest of its unit) instead of failing the batch, so it cannot block the
   * outbox behind it. Only an entry without a usable id fails the whole batch (the client could not
   * match the answer).
   */
  mutations: z
    .array(z.looseObject({ id: z.uuid() }))
    .min(1)
    .max(500),
});
export type MutationBatch = z.infer<typeof MutationBatchSchema>;

export const OUTCOMES = ['applied', 'merged', 'conflict', 'quarantined'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const MutationResultSchema = z.strictObject({
  id: z.uuid(),
  outcome: z.enum(OUTCOMES),
  /** Why it was quarantined, or which fields conflicted. */
  reason: z.string().optional(),
  /** The row's version after the server applied (or merged) the mutation. */
  version: z.number().int().optional(),
  conflict_ids: z.array(z.uuid()).optional(),
});
export type MutationResult = z.infer<typeof MutationResultSchema>;

export const MutationResultsSchema = z.strictObject({
  results: z.array(MutationResultSchema),
});
export type MutationResults = z.infer<typeof MutationResultsSchema>;

/** `GET /api/sync/scope`: the tables this workstation subscribes to. */
export const ScopeSchema = z.strictObject({
  workstation_id: z.uuid(),
  kind: z.enum(WORKSTATION_KINDS),
  ward_id: z.uuid().nullable(),
  code: z.string(),
  tables: z.array(z.string()),
  schema_version: z.number().int(),
  /** Rows of each table in this PC's scope now; only when asked (`?rows=1`, during a first download). */
  rows: z.record(z.string(), z.number().int().nonnegative()).optional(),
});
export type Scope = z.infer<typeof ScopeSchema>;

/** `POST /api/workstations/enroll` */
export const EnrollRequestSchema = z.strictObject({ code: z.string().min(6).max(64) });
export const EnrollResponseSchema = z.strictObject({
  workstation_id: z.uuid(),
  token: z.string(),
  code: z.string(),
  kind: z.enum(WORKSTATION_KINDS),
  /**
   * The highest sequence of each kind of human number already used with this code (MRN, bill, …),
   * so a re-installed PC continues after them instead of handing them out again.
   */
  sequences: z.record(z.string(), z.number().int().nonnegative()).optional(),
});

/**
 * `POST /api/sync/grants` (user access token in `Authorization`, workstation token in
 * `X-Workstation-Token`): issues the authoring grant for this user on this workstation.
 */
export const GrantResponseSchema = z.strictObject({
  user_id: z.uuid(),
  grant: z.string(),
  /**
   * A 2FA user's TOTP secret, for this enrolled workstation to check codes offline. It travels only
   * here (an online sign-in over the PC's own connection, HTTPS on a LAN) and is stored wrapped under
   * the user's password.
   */
  totp_secret: z.string().optional(),
});

/** Every error body the HTTP API returns. */
export const ErrorBodySchema = z.object({
  error: z.string(),
  message: z.string().optional(),
  issues: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** An error answer's body, or null when it is not one (a proxy's HTML page, nothing at all). */
export const errorBodyOf = (body: unknown): ErrorBody | null => {
  const parsed = ErrorBodySchema.safeParse(body);
  return parsed.success ? parsed.data : null;
};
