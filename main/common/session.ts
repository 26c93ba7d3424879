/** Who is working at this workstation: log-in (online, or offline against a local verifier), log-out. */
import { z } from 'zod';
import { newPasswordSchema } from '../../db/primitives/password-rules.ts';
import { op } from './contract.ts';

export interface SessionUser {
  id: string;
  username: string;
  first_name: string;
  last_name: string;
  role: string;
  /** True when the password was checked on this PC because the server could not be reached. */
  offline: boolean;
}

const Login = z.strictObject({
  username: z.string().trim().min(1, 'enter a user name').max(200),
  password: z.string().min(1, 'enter a password').max(1000),
  otp: z
    .string()
    .regex(/^\d{6}$/, 'the code has 6 digits')
    .optional(),
  /** After an admin's reset: the user's own password, replacing the given one as they sign in. */
  newPassword: newPasswordSchema.optional(),
});

/** What the hospital set for every workstation's screens. */
export interface SessionPolicy {
  /** Idle minutes before the screen locks (setting `security.session_minutes`; 10 until it has synced). */
  autoLockMinutes: number;
}

export const session = {
  policy: op(z.strictObject({}), 'public').returns<SessionPolicy>(),
  login: op(Login, 'public').returns<SessionUser>(),
  logout: op(z.strictObject({})).returns<null>(),
  /** Covers the screen (idle, or a colleague switching in); signing in again uncovers it. */
  lock: op(z.strictObject({})).returns<null>(),
  current: op(z.strictObject({}), 'public').returns<SessionUser | null>(),
};
