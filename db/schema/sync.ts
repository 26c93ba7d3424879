/** What sync itself needs: enrolled workstations, and the record of every mutation's fate. */
import { c, serverTable, syncedTable } from './dsl.ts';
import { WORKSTATION_KINDS } from './enums.ts';

export { WORKSTATION_KINDS } from './enums.ts';

export const workstations = serverTable(
  'workstations',
  {
    name: c.text().notNull(),
    /** Short code used to prefix MRNs and bill numbers made on this PC (e.g. `W3A`). */
    code: c.text().notNull().unique(),
    kind: c.enum(WORKSTATION_KINDS).notNull(),
    ward_id: c.uuid().references('wards'),
    enrollment_code_hash: c.text(),
    enrollment_expires_at: c.timestamp(),
    token_hash: c.text().unique(),
    enrolled_at: c.timestamp(),
    revoked_at: c.timestamp(),
    last_seen_at: c.timestamp(),
    app_version: c.text(),
    schema_version: c.int(),
    created_by: c.uuid().references('users'),
    /** The update ring this PC takes its releases from (`update_rings`): a pilot ward first, then all. */
    update_ring: c.text().notNull().default('general'),
  },
  { checks: { ward_scope: `"kind" <> 'ward' OR "ward_id" IS NOT NULL` } },
);

/** A ring's name: it goes into URL paths, so plain (lower-case letters, digits, - and _; 1–41 long). */
export const UPDATE_RING_NAME = /^[a-z0-9][a-z0-9_-]{0,40}$/;

/**
 * Update rings: which release (a folder of the server's releases directory) each ring's PCs are
 * offered. A release is rolled out by moving the pilot ring, then the others; halted by clearing a
 * ring (its PCs are offered nothing), rolled back by moving it to the release before (PCs that took
 * the newer one keep it: the app never downgrades itself).
 */
export const update_rings = serverTable('update_rings', {
  name: c.text().notNull().unique(),
  /** The release folder offered; null: halted. */
  release: c.text(),
  updated_by: c.uuid().references('users'),
});

/**
 * Proof that a user may author mutations on a workstation, issued at the user's last online login
 * there; lets the outbox drain hours later with no one logged in. Revoked with the user or the PC.
 */
export const authoring_grants = serverTable(
  'authoring_grants',
  {
    user_id: c.uuid().notNull().references('users'),
    workstation_id: c.uuid().notNull().references('workstations'),
    grant_hash: c.text().notNull().unique(),
    issued_at: c.timestamp().notNull(),
    revoked_at: c.timestamp(),
  },
  { indexes: [['user_id', 'workstation_id']] },
);

/** Every mutation the server has seen, by its client-made id: a retried batch is applied once. */
export const applied_mutations = serverTable(
  'applied_mutations',
  {
    mutation_id: c.uuid().notNull().unique(),
    workstation_id: c.uuid().notNull().references('workstations'),
    author_id: c.uuid(),
    table_name: c.text().notNull(),
    row_id: c.uuid(),
    operation: c.enum(['insert', 'update', 'delete']).notNull(),
    outcome: c.enum(['applied', 'merged', 'conflict', 'quarantined']).notNull(),
    hlc: c.text().notNull(),
    detail: c.json<Record<string, unknown>>(),
  },
  { indexes: [['workstation_id'], ['table_name', 'row_id']] },
);

/** Same field changed concurrently to different values: both kept until someone decides. */
export const sync_conflicts = syncedTable(
  'sync_conflicts',
  {
    table_name: c.text().notNull(),
    row_id: c.uuid().notNull(),
    field: c.text(),
    kind: c.enum(['field', 'delete_update']).notNull(),
    /** JSON-encoded values, so any column type fits. */
    local_value: c.json<unknown>(),
    server_value: c.json<unknown>(),
    provisional_value: c.json<unknown>(),
    local_author_id: c.uuid(),
    local_workstation_id: c.uuid(),
    local_device_time: c.timestamp(),
    local_hlc: c.text(),
    server_author_id: c.uuid(),
    /** The write the server held: its HLC (whose physical part is when it was made) and its PC. */
    server_hlc: c.text(),
    server_workstation_id: c.uuid(),
    /**
     * Both PCs' names as they were when the conflict was recorded: `workstations` stays on the server,
     * and the queue is read offline, by admins and by the authors at their desks alike.
     */
    local_workstation_name: c.text(),
    server_workstation_name: c.text(),
    mutation_id: c.uuid().notNull(),
    status: c.enum(['open', 'resolved']).notNull().default('open'),
    resolution_value: c.json<unknown>(),
    resolved_by: c.uuid().references('users'),
    resolved_at: c.timestamp(),
    /** Why the resolver chose this value (shown to the authors whose value lost). */
    resolution_note: c.text(),
  },
  { indexes: [['status'], ['table_name', 'row_id']] },
);

/** Invalid or unauthorised mutations, kept whole with the reason: never dropped. */
export const quarantined_mutations = syncedTable(
  'quarantined_mutations',
  {
    mutation_id: c.uuid().notNull().unique(),
    workstation_id: c.uuid().notNull(),
    author_id: c.uuid(),
    table_name: c.text().notNull(),
    row_id: c.uuid(),
    /** The unit of work it belonged to: a unit is quarantined whole, and retried whole. */
    tx_id: c.uuid(),
    operation: c.text().notNull(),
    payload: c.json<unknown>().notNull(),
    reason: c.text().notNull(),
    status: c.enum(['open', 'reapplied', 'dismissed']).notNull().default('open'),
    reviewed_by: c.uuid().references('users'),
    reviewed_at: c.timestamp(),
    /** What the reviewer did and why (required to dismiss). */
    review_note: c.text(),
  },
  { indexes: [['status'], ['tx_id']] },
);

/**
 * The change log behind the shape endpoint: one row per row-change in any synced table, written by
 * triggers (so plain SQL changes are logged too). `seq` order is commit order: the trigger takes a
 * transaction-scoped advisory lock, so a reader never sees seq N+1 before N's transaction commits.
 */
export const change_log = serverTable(
  'change_log',
  {
    seq: c.bigint().notNull().unique(),
    /** The writing transaction: a response never ends inside one. */
    tx_id: c.bigint().notNull(),
    table_name: c.text().notNull(),
    row_id: c.uuid().notNull(),
    operation: c.enum(['insert', 'update', 'delete']).notNull(),
    new_row: c.json<Record<string, unknown>>(),
    old_row: c.json<Record<string, unknown>>(),
    /**
     * `app` when the server's own connections made the change (they set `hms.via`); NULL for plain
     * SQL from anywhere else, which the audit job then writes into the audit trail as such.
     */
    via: c.text(),
  },
  { indexes: [['table_name', 'seq']] },
);

/** Which write last set each field, by HLC: decides conflicts the same way whatever the arrival order. */
export const field_clocks = serverTable(
  'field_clocks',
  {
    table_name: c.text().notNull(),
    row_id: c.uuid().notNull(),
    field: c.text().notNull(),
    hlc: c.text().notNull(),
    author_id: c.uuid(),
    workstation_id: c.uuid(),
  },
  { uniques: [['table_name', 'row_id', 'field']] },
);

/**
 * The chunk boundaries of snapshots being paged through, by shape handle, so that any server
 * instance behind a load balancer serves a snapshot's next chunk. Dropped at the last chunk, or
 * after 30 minutes (the client then starts its snapshot again).
 */
export const snapshot_plans = serverTable('snapshot_plans', {
  handle: c.text().notNull().unique(),
  boundaries: c.json<string[]>().notNull(),
});

/**
 * Requests per client address and route on the doors a guesser knocks on (sign-in, 2FA, enrolment),
 * counted here rather than in each process, so several server instances behind a load balancer
 * allow one address the limit once, not once per instance (sync-server/http/rate-limit.ts).
 */
export const rate_limit_hits = serverTable('rate_limit_hits', {
  key: c.text().notNull().unique(),
  hits: c.int().notNull(),
  /** When this window's count starts again. */
  reset_at: c.timestamp().notNull(),
});

/** Small key/value state of the sync engine (log epoch, compaction floor). */
export const sync_counters = serverTable('sync_counters', {
  key: c.text().notNull().unique(),
  value: c.text().notNull(),
});
