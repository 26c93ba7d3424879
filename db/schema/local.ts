/** Workstation-only bookkeeping: the outbox, shape positions, offline logins. Never leaves the PC. */
import { c, localTable } from './dsl.ts';

/**
 * Every local write appends here in the same transaction as the row change. Drained in `seq` order
 * by the uploader; an entry stays `pending` until the server answers with its outcome.
 */
export const outbox = localTable(
  'outbox',
  {
    seq: c.int().notNull().unique(),
    /** The unit of work (one operation): its entries upload together and the server applies them
     * all or none. */
    tx_id: c.text().notNull(),
    table_name: c.text().notNull(),
    row_id: c.uuid().notNull(),
    operation: c.enum(['insert', 'update', 'delete']).notNull(),
    /** insert: the row's columns; update: `{column: {base, value}}`. */
    payload: c.json<Record<string, unknown>>().notNull(),
    base_version: c.int(),
    author_id: c.uuid().notNull(),
    hlc: c.text().notNull(),
    device_time: c.timestamp().notNull(),
    status: c.enum(['pending', 'acked']).notNull().default('pending'),
    outcome: c.enum(['applied', 'merged', 'conflict', 'quarantined']),
    reason: c.text(),
    acked_at: c.timestamp(),
  },
  {
    indexes: [['status', 'seq'], ['table_name', 'row_id'], ['tx_id']],
  },
);

/** Where each shape stream stands; written in the same transaction as the rows it delivered. */
export const shape_positions = localTable('shape_positions', {
  table_name: c.text().notNull().unique(),
  handle: c.text(),
  offset: c.text(),
  up_to_date_at: c.timestamp(),
  /** Set by a must-refetch: rows of the table not re-delivered by the new snapshot are swept. */
  refetching: c.bool().notNull().default(false),
});

/** Rows re-delivered during a refetch (mark-and-sweep, so a 409 never empties a ward PC's tables). */
export const refetch_marks = localTable(
  'refetch_marks',
  { table_name: c.text().notNull(), row_id: c.uuid().notNull() },
  { uniques: [['table_name', 'row_id']] },
);

/** Small key/value state: workstation identity, device token, HLC high-water mark. */
export const workstation_settings = localTable('workstation_settings', {
  key: c.text().notNull().unique(),
  value: c.text().notNull(),
});

/** Users who have logged in online here: lets them log in offline, and proves their authorship. */
export const offline_users = localTable('offline_users', {
  user_id: c.uuid().notNull().unique(),
  username: c.text().notNull().unique(),
  /** argon2id hash of the password, made locally at the last online login. */
  verifier: c.text().notNull(),
  role: c.text().notNull(),
  first_name: c.text().notNull(),
  last_name: c.text().notNull(),
  /** The authoring grant the server issued for this user on this workstation. */
  grant: c.text().notNull(),
  last_online_login_at: c.timestamp().notNull(),
  /**
   * The user's TOTP secret when they sign in with 2FA, encrypted under a key derived from their
   * password (main/core/offline-totp.ts): an offline sign-in still needs the code, and the stored
   * value is useless without the password.
   */
  totp_wrapped: c.text(),
  /** The last TOTP step accepted offline here: a code works once. */
  totp_last_step: c.int(),
});

/**
 * The server's row as last delivered, for rows with writes still in flight (see Outbox
 * `keepServerRow`): put back if the server decides against the local write.
 */
export const server_rows = localTable(
  'server_rows',
  {
    table_name: c.text().notNull(),
    row_id: c.text().notNull(),
    /** The stored row, column → SQLite value, as JSON. */
    row: c.text().notNull(),
  },
  { uniques: [['table_name', 'row_id']] },
);

/** This workstation's counters for human numbers (MRN, bill, receipt, …; queue tickets per day). */
export const number_sequences = localTable('number_sequences', {
  name: c.text().notNull().unique(),
  value: c.int().notNull(),
});
