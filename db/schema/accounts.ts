/** People and their rights: roles, users, credentials, sessions, role-change requests. */
import { c, serverTable, syncedTable } from './dsl.ts';

export const ROLE_NAMES = [
  'admin',
  'doctor',
  'nurse',
  'receptionist',
  'pharmacist',
  'lab_technician',
] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export const roles = syncedTable('roles', {
  name: c.enum(ROLE_NAMES).notNull().unique(),
  description: c.text(),
});

/** The synced profile of a user. Secrets live in `user_credentials`, which never leaves the server. */
export const users = syncedTable(
  'users',
  {
    username: c.text().notNull().unique(),
    email: c.text().unique(),
    first_name: c.text().notNull(),
    last_name: c.text().notNull(),
    role_id: c.uuid().notNull().references('roles'),
    is_active: c.bool().notNull().default(true),
    phone: c.text(),
    language_preference: c.text().notNull().default('en'),
    preferences: c.json<Record<string, unknown>>(),
  },
  { indexes: [['role_id']] },
);

export const user_credentials = serverTable('user_credentials', {
  user_id: c.uuid().notNull().unique().references('users'),
  password_hash: c.text().notNull(),
  /** TOTP secret, encrypted with the server's secret key (never stored in clear). */
  totp_secret_enc: c.text(),
  totp_enabled: c.bool().notNull().default(false),
  /** The last TOTP time step accepted: a code from that step or earlier is refused (no reuse). */
  totp_last_step: c.int(),
  failed_attempts: c.int().notNull().default(0),
  locked_until: c.timestamp(),
  password_changed_at: c.timestamp(),
  /** Set by an admin's reset: the next sign-in must choose a new password before anything else. */
  must_change_password: c.bool().notNull().default(false),
  /** Kept here, not on the synced `users` row: a log-in must not be broadcast to every PC. */
  last_login_at: c.timestamp(),
});

/**
 * Failed sign-ins per account and client address (sync-server/auth/throttle.ts): the client that
 * keeps guessing is stopped, not the account's owner at another desk.
 */
export const login_throttles = serverTable(
  'login_throttles',
  {
    user_id: c.uuid().notNull().references('users'),
    client: c.text().notNull(),
    failures: c.int().notNull().default(0),
    locked_until: c.timestamp(),
  },
  { uniques: [['user_id', 'client']] },
);

/** One row per refresh token; a family is one login. Reusing a rotated token revokes the family. */
export const auth_sessions = serverTable(
  'auth_sessions',
  {
    user_id: c.uuid().notNull().references('users'),
    family_id: c.uuid().notNull(),
    token_hash: c.text().notNull().unique(),
    expires_at: c.timestamp().notNull(),
    rotated_at: c.timestamp(),
    revoked_at: c.timestamp(),
    user_agent: c.text(),
    ip_address: c.text(),
  },
  { indexes: [['family_id'], ['user_id']] },
);

export const login_activities = serverTable(
  'login_activities',
  {
    user_id: c.uuid().references('users'),
    /** What was typed as the user name, kept even when it matched no user (brute-force forensics). */
    username_attempted: c.text().notNull(),
    status: c.enum(['success', 'failed', 'locked', 'otp_required', 'otp_failed', 'logout']).notNull(),
    ip_address: c.text(),
    user_agent: c.text(),
    workstation_id: c.uuid(),
  },
  { indexes: [['user_id'], ['created_at']] },
);

export const role_change_requests = serverTable(
  'role_change_requests',
  {
    user_id: c.uuid().notNull().references('users'),
    requested_role_id: c.uuid().notNull().references('roles'),
    reason: c.text().notNull(),
    status: c.enum(['pending', 'approved', 'rejected']).notNull().default('pending'),
    reviewed_by: c.uuid().references('users'),
    reviewed_at: c.timestamp(),
    review_notes: c.text(),
  },
  { indexes: [['user_id'], ['status']] },
);

export const doctor_profiles = syncedTable('doctor_profiles', {
  user_id: c.uuid().notNull().unique().references('users'),
  specialization: c.text().notNull(),
  license_number: c.text(),
  qualifications: c.text(),
  /** Weekly availability, e.g. `{ "mon": [["09:00","13:00"]], … }`. */
  availability: c.json<Record<string, [string, string][]>>(),
  consultation_fee: c.money(),
  bio: c.text(),
});

export const system_settings = syncedTable('system_settings', {
  key: c.text().notNull().unique(),
  value: c.text().notNull(),
  description: c.text(),
  category: c.text().notNull().default('general'),
  is_public: c.bool().notNull().default(false),
});

/** Keys the server generates once and keeps (JWT signing, TOTP-secret encryption). Never synced. */
export const server_secrets = serverTable('server_secrets', {
  name: c.text().notNull().unique(),
  value: c.text().notNull(),
});
