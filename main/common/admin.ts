/**
 * The admin's work, done on the server (it owns accounts, workstations and the audit trail), so each
 * call needs an online sign-in as an admin; the server decides who may. Users (create, disable,
 * reset a password, change a role), role-change requests, workstations (register with a one-time
 * code, a new code, re-scope, revoke), update rings (which release each ring of PCs is offered, and
 * which ring each PC is in), the audit trail with its chain check, and sign-in activity.
 */
import { z } from 'zod';
import { newPasswordSchema } from '../../db/primitives/password-rules.ts';
import { ROLE_NAMES } from '../../db/schema/accounts.ts';
import { WORKSTATION_KINDS } from '../../db/schema/enums.ts';
import { UPDATE_RING_NAME } from '../../db/schema/sync.ts';
import { op } from './contract.ts';

export interface UserView {
  id: string;
  username: string;
  first_name: string;
  last_name: string;
  email: string | null;
  role: string;
  is_active: boolean;
  last_login_at: string | null;
  totp_enabled?: boolean;
}

export interface WorkstationView {
  id: string;
  name: string;
  code: string;
  kind: string;
  ward_id: string | null;
  enrolled: boolean;
  revoked_at: string | null;
  last_seen_at: string | null;
  app_version: string | null;
}

/** A ring of PCs and the release it offers them (null: none, halted or never pointed at one). */
export interface UpdateRingView {
  name: string;
  release: string | null;
  /** Pointed at a release once, then cleared by an admin (null `release` without it: never pointed). */
  halted: boolean;
  /** The release it offered most recently: `release`, or the one it offered before it was halted. */
  last_release: string | null;
  /** PCs in it, revoked ones left out. */
  workstations: number;
}

export interface UpdateRingsView {
  rings: UpdateRingView[];
  /** Which ring each PC is in. */
  members: { workstation_id: string; ring: string }[];
}

/** A release folder on the server, newest version first in a list. */
export interface ReleaseView {
  name: string;
  version: string | null;
  released_at: string | null;
  /** Holds latest.yml, so a ring may offer it. */
  offerable: boolean;
}

export interface EnrolmentCode {
  enrollment_code: string;
  enrollment_expires_at: string;
}

export interface RoleRequestView {
  id: string;
  user_id: string;
  requested_role: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  review_notes: string | null;
  created_at: string;
}

export interface AuditEntryView {
  seq: number;
  at: string;
  username: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  description: string | null;
  ip_address: string | null;
}

export interface LoginActivityView {
  at: string;
  username: string;
  status: string;
  ip_address: string | null;
  workstation_id: string | null;
}

const name = z.string().trim().min(1, 'enter a name').max(100);
// The same rules as the server's (db/primitives/password-rules.ts): the form says why at once.
const password = newPasswordSchema;

const CreateUser = z.strictObject({
  username: z
    .string()
    .trim()
    .min(3, 'at least 3 characters')
    .max(150)
    .regex(/^[\w.@+-]+$/, 'letters, digits and . @ + - _ only'),
  first_name: name,
  last_name: name,
  email: z
    .email('not an e-mail address')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  role: z.enum(ROLE_NAMES),
  password,
});

const UpdateUser = z.strictObject({
  id: z.uuid(),
  role: z.enum(ROLE_NAMES).optional(),
  is_active: z.boolean().optional(),
  /** A new password the admin hands over in person; the user's sessions end. */
  password: password.optional(),
});

const RegisterWorkstation = z
  .strictObject({
    name,
    kind: z.enum(WORKSTATION_KINDS),
    ward_id: z.uuid().nullable().optional(),
  })
  .refine((b) => b.kind !== 'ward' || !!b.ward_id, {
    message: 'a ward workstation needs a ward',
    path: ['ward_id'],
  });

const Rescope = z.strictObject({
  id: z.uuid(),
  kind: z.enum(WORKSTATION_KINDS).optional(),
  ward_id: z.uuid().nullable().optional(),
  name: name.optional(),
});

const Audit = z.strictObject({
  action: z.string().max(40).optional(),
  objectType: z.string().max(100).optional(),
  limit: z.number().int().min(1).max(500).default(100),
  offset: z.number().int().min(0).default(0),
});

const LoginActivity = z.strictObject({
  username: z.string().trim().max(200).optional(),
  status: z.enum(['success', 'failed', 'locked', 'otp_required', 'otp_failed', 'logout']).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});

const Id = z.strictObject({ id: z.uuid() });

// The server's rule for a ring name, so the form names it at once.
const ringName = z
  .string()
  .trim()
  .max(41, 'at most 41 characters')
  .regex(
    UPDATE_RING_NAME,
    'lower-case letters, digits, - and _ only, starting with a letter or digit (no spaces)',
  );

const PointRing = z.strictObject({
  ring: ringName,
  /** A release folder of the server's; null halts the ring. The server checks it holds latest.yml. */
  release: z.string().min(1).max(200).nullable(),
});

export const admin = {
  users: op(z.strictObject({ query: z.string().trim().max(100).optional() })).returns<UserView[]>(),
  createUser: op(CreateUser).returns<UserView>(),
  updateUser: op(UpdateUser).returns<UserView>(),
  roleRequests: op(
    z.strictObject({ status: z.enum(['pending', 'approved', 'rejected']).optional() }),
  ).returns<RoleRequestView[]>(),
  reviewRoleRequest: op(
    z.strictObject({
      id: z.uuid(),
      decision: z.enum(['approve', 'reject']),
      note: z.string().trim().max(2000),
    }),
  ).returns<RoleRequestView>(),
  workstations: op(z.strictObject({})).returns<WorkstationView[]>(),
  registerWorkstation: op(RegisterWorkstation).returns<WorkstationView & EnrolmentCode>(),
  newEnrolmentCode: op(Id).returns<EnrolmentCode>(),
  rescopeWorkstation: op(Rescope).returns<WorkstationView>(),
  revokeWorkstation: op(Id).returns<WorkstationView>(),
  updateRings: op(z.strictObject({})).returns<UpdateRingsView>(),
  releases: op(z.strictObject({})).returns<ReleaseView[]>(),
  pointUpdateRing: op(PointRing).returns<{ name: string; release: string | null }>(),
  moveToUpdateRing: op(z.strictObject({ id: z.uuid(), ring: ringName })).returns<{
    id: string;
    ring: string;
  }>(),
  audit: op(Audit).returns<AuditEntryView[]>(),
  verifyAudit: op(z.strictObject({})).returns<{
    intact: boolean;
    broken_at: number | null;
    entries: number;
  }>(),
  loginActivity: op(LoginActivity).returns<LoginActivityView[]>(),
};
