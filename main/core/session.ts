/**
 * Who is logged in on this workstation. Online: the server checks the password (and TOTP), then
 * issues this user's authoring grant for this PC; the core keeps an argon2id verifier of the
 * password, made locally, so the user can log in here later while the network is down. Offline
 * (the server unreachable) the same rules hold as far as the PC can know them: the password against
 * that verifier; the TOTP code for a 2FA user (the secret kept wrapped under the password,
 * offline-totp.ts; a code works once); refused for an account the PC has heard was disabled; and
 * refused once the last online sign-in here is older than `security.offline_login_days` (14).
 */

import { hash, verify } from '@node-rs/argon2';
import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { ARGON2ID, normalizeLogin, type Result } from '../../db/primitives/index.ts';
import { checkTotp } from '../../db/primitives/totp.ts';
import { errorBodyOf, GrantResponseSchema } from '../../db/sync-contract.ts';
import type { SessionUser } from '../common/session.ts';
import { unwrapTotpSecret, wrapTotpSecret } from './offline-totp.ts';
import type { StorageHealth } from './store/storage-fault.ts';
import { OFFLINE_LOGIN_DAYS_DEFAULT, SYSTEM_SETTING, SystemSettings } from './store/system-settings.ts';
import type { FetchLike } from './sync/fetch.ts';

const OFFLINE_MAX_FAILURES = 5;
const OFFLINE_LOCK_MS = 60_000;
/** Log-in and grant requests give up after this and fall back to the offline verifier. */
const REQUEST_TIMEOUT_MS = 8_000;

export type { SessionUser };

export type LoginErrorCode =
  | 'invalid_credentials'
  | 'otp_required'
  | 'otp_invalid'
  | 'locked'
  | 'account_disabled'
  | 'unknown_offline_user'
  | 'offline_expired'
  | 'password_change_required'
  | 'weak_password'
  | 'server_error';

export interface LoginError {
  code: LoginErrorCode;
  message: string;
  retryAfterSeconds?: number;
}

export interface SessionOptions {
  sqlite: Database.Database;
  server: string;
  workstationToken: () => string | null;
  fetch?: FetchLike;
  onChange?: (user: SessionUser | null) => void;
  /** The server answered (a login is proof the network works). */
  onOnline?: () => void;
  /** Where a disk that cannot keep the offline sign-in is reported: the online sign-in still works. */
  storage?: StorageHealth;
}

interface OfflineUserRow {
  user_id: string;
  username: string;
  verifier: string;
  role: string;
  first_name: string;
  last_name: string;
  grant: string;
  last_online_login_at: string;
  totp_wrapped: string | null;
  totp_last_step: number | null;
}

class NetworkError extends Error {}

/** What the server said to a call made as the signed-in user. */
export type ServerAnswer =
  | { kind: 'answer'; status: number; body: unknown }
  /** The server could not be reached. */
  | { kind: 'offline' }
  /** Nobody is signed in online (an offline sign-in holds no server session). */
  | { kind: 'no_session' };

export class Session {
  private user: SessionUser | null = null;
  private locked = false;
  /** The signed-in user's server session, in memory only: gone at sign-out, at restart, offline. */
  private tokens: { access: string; refresh: string | null } | null = null;
  private readonly failures = new Map<string, { count: number; until: number }>();

  constructor(private readonly o: SessionOptions) {}

  currentUser(): SessionUser | null {
    return this.user;
  }

  /**
   * Whether the screen is locked: the user stays signed in here (their writes keep uploading under
   * their name), but nothing is answered to the screen until someone signs in again. Kept in the
   * core, not only on the screen, so a reload or a second window cannot step past it.
   */
  isLocked(): boolean {
    return this.locked;
  }

  lock(): void {
    if (this.user) this.locked = true;
  }

  /**
   * Signs the user out here at once; the server is told when it can be reached, so their session
   * there closes (its refresh token is spent). Their authoring grant on this PC stays: a later
   * offline sign-in here must still be able to write (it ends by age, reset or disabling).
   */
  logout(): void {
    const had = this.user !== null;
    const tokens = this.tokens;
    this.user = null;
    this.locked = false;
    this.tokens = null;
    if (had) this.o.onChange?.(null);
    if (tokens) void this.tellServerSignedOut(tokens);
  }

  private async tellServerSignedOut(tokens: { access: string; refresh: string | null }) {
    try {
      const res = await (this.o.fetch ?? fetch)(`${this.o.server}/api/auth/logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.access}` },
        body: JSON.stringify(tokens.refresh ? { refresh: tokens.refresh } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await res.body?.cancel();
    } catch {
      // Offline: the refresh token expires by itself.
    }
  }

  /** `newPassword`: after an admin's reset, the user's own (online only: the server must take it). */
  async login(
    username: string,
    password: string,
    otp?: string,
    newPassword?: string,
  ): Promise<Result<SessionUser, LoginError>> {
    if (
      typeof username !== 'string' ||
      typeof password !== 'string' ||
      username.trim() === '' ||
      password === ''
    )
      return {
        ok: false,
        error: { code: 'invalid_credentials', message: 'enter a username and a password' },
      };
    let res: Response;
    try {
      res = await this.post('/api/auth/login', {
        username,
        password,
        ...(otp ? { otp } : {}),
        ...(newPassword ? { new_password: newPassword } : {}),
      });
    } catch (e) {
      if (e instanceof NetworkError) return this.offlineLogin(username, password, otp);
      throw e;
    }
    if (res.status >= 500) return this.offlineLogin(username, password, otp);
    this.o.onOnline?.();
    const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (!res.ok) return { ok: false, error: this.loginError(res, body) };
    const access = typeof body?.access === 'string' ? body.access : null;
    const u = body?.user as Record<string, unknown> | undefined;
    if (
      !access ||
      !u ||
      typeof u.id !== 'string' ||
      typeof u.username !== 'string' ||
      typeof u.role !== 'string'
    )
      return {
        ok: false,
        error: { code: 'server_error', message: 'the server gave an unexpected login answer' },
      };
    const user: SessionUser = {
      id: u.id,
      username: u.username,
      first_name: typeof u.first_name === 'string' ? u.first_name : '',
      last_name: typeof u.last_name === 'string' ? u.last_name : '',
      role: u.role,
      offline: false,
    };
    const grant = await this.fetchGrant(access);
    // The password the user signs in with from now on (their new one, after a reset).
    const current = newPassword ?? password;
    const verifier = await hash(current, ARGON2ID);
    // With an answer from the server, what it says about 2FA is the truth (turned off: nothing kept);
    // without one, what was kept stays.
    const totp = grant
      ? grant.totpSecret
        ? wrapTotpSecret(grant.totpSecret, current, user.id)
        : null
      : undefined;
    try {
      this.storeOfflineUser(user, verifier, grant?.grant ?? null, totp);
    } catch (e) {
      // A full disk: the user works online now (nothing can be saved here anyway); the next
      // sign-in with room on the disk keeps them for offline use.
      if (!this.o.storage?.report(e)) throw e;
    }
    this.failures.delete(normalizeLogin(username));
    this.user = user;
    this.locked = false;
    this.tokens = { access, refresh: typeof body?.refresh === 'string' ? body.refresh : null };
    this.o.onChange?.(user);
    return { ok: true, value: user };
  }

  /**
   * Calls the server as the signed-in user (admin work, which only the server can do). An expired
   * access token is refreshed once; without an online sign-in, or without a network, says which.
   */
  async requestAsUser(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    path: string,
    body?: unknown,
  ): Promise<ServerAnswer> {
    if (!this.tokens) return { kind: 'no_session' };
    const send = (access: string) =>
      (this.o.fetch ?? fetch)(`${this.o.server}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${access}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    try {
      let res = await send(this.tokens.access);
      if (res.status === 401 && this.tokens.refresh) {
        const again = await this.post('/api/auth/refresh', { refresh: this.tokens.refresh });
        const fresh = (await again.json().catch(() => null)) as Record<string, unknown> | null;
        if (!again.ok || typeof fresh?.access !== 'string') {
          this.tokens = null;
          return { kind: 'no_session' };
        }
        this.tokens = {
          access: fresh.access,
          refresh: typeof fresh.refresh === 'string' ? fresh.refresh : null,
        };
        res = await send(this.tokens.access);
      }
      this.o.onOnline?.();
      return { kind: 'answer', status: res.status, body: await res.json().catch(() => null) };
    } catch {
      return { kind: 'offline' };
    }
  }

  private async fetchGrant(access: string): Promise<{ grant: string; totpSecret: string | null } | null> {
    const token = this.o.workstationToken();
    if (!token) return null;
    try {
      const res = await (this.o.fetch ?? fetch)(`${this.o.server}/api/sync/grants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access}`, 'x-workstation-token': token },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (!res.ok) return null;
      const parsed = GrantResponseSchema.safeParse(await res.json());
      return parsed.success
        ? { grant: parsed.data.grant, totpSecret: parsed.data.totp_secret ?? null }
        : null;
    } catch {
      return null;
    }
  }

  /** `totp`: the wrapped secret, null for none, undefined to keep what is stored. */
  private storeOfflineUser(
    user: SessionUser,
    verifier: string,
    grant: string | null,
    totp: string | null | undefined,
  ) {
    const now = new Date().toISOString();
    this.o.sqlite.transaction(() => {
      const existing = this.o.sqlite
        .prepare<[string], { grant: string; totp_wrapped: string | null }>(
          'SELECT "grant", totp_wrapped FROM offline_users WHERE user_id = ?',
        )
        .get(user.id);
      // A username now used by another account (renamed users) frees its old row.
      this.o.sqlite
        .prepare('DELETE FROM offline_users WHERE username = ? AND user_id <> ?')
        .run(normalizeLogin(user.username), user.id);
      this.o.sqlite
        .prepare(
          `INSERT INTO offline_users (id, created_at, user_id, username, verifier, role, first_name, last_name,
             "grant", last_online_login_at, totp_wrapped)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(user_id) DO UPDATE SET username = excluded.username, verifier = excluded.verifier,
             role = excluded.role, first_name = excluded.first_name, last_name = excluded.last_name,
             "grant" = excluded."grant", last_online_login_at = excluded.last_online_login_at,
             totp_wrapped = excluded.totp_wrapped`,
        )
        .run(
          uuidv7(),
          now,
          user.id,
          normalizeLogin(user.username),
          verifier,
          user.role,
          user.first_name,
          user.last_name,
          // Keep the previous grant if the server could not issue a new one just now.
          grant ?? existing?.grant ?? '',
          now,
          totp === undefined ? (existing?.totp_wrapped ?? null) : totp,
        );
    })();
  }

  private async offlineLogin(
    username: string,
    password: string,
    otp: string | undefined,
  ): Promise<Result<SessionUser, LoginError>> {
    const key = normalizeLogin(username);
    const f = this.failures.get(key);
    const now = Date.now();
    if (f && f.until > now)
      return {
        ok: false,
        error: {
          code: 'locked',
          message: 'too many failed attempts; try again shortly',
          retryAfterSeconds: Math.ceil((f.until - now) / 1000),
        },
      };
    const row = this.o.sqlite
      .prepare<[string], OfflineUserRow>('SELECT * FROM offline_users WHERE username = ?')
      .get(key);
    if (!row)
      return {
        ok: false,
        error: {
          code: 'unknown_offline_user',
          message:
            'the server cannot be reached and this user has never logged in online on this workstation; connect to the network to log in',
        },
      };
    const failed = (error: LoginError): Result<SessionUser, LoginError> => {
      const count = (f?.count ?? 0) + 1;
      this.failures.set(key, { count, until: count >= OFFLINE_MAX_FAILURES ? now + OFFLINE_LOCK_MS : 0 });
      return { ok: false, error };
    };
    let good = false;
    try {
      good = await verify(row.verifier, password);
    } catch {
      good = false;
    }
    if (!good) return failed({ code: 'invalid_credentials', message: 'wrong username or password' });
    const refused = this.offlineRefusal(row, now);
    if (refused) return { ok: false, error: refused };
    if (row.totp_wrapped) {
      if (!otp)
        return {
          ok: false,
          error: { code: 'otp_required', message: 'enter the code from your authenticator app' },
        };
      const secret = unwrapTotpSecret(row.totp_wrapped, password, row.user_id);
      const step = secret ? await checkTotp(secret, otp, new Date(now), row.totp_last_step) : null;
      if (step === null)
        return failed({ code: 'otp_invalid', message: 'that code is not valid (or was used already)' });
      this.o.sqlite
        .prepare('UPDATE offline_users SET totp_last_step = ? WHERE user_id = ?')
        .run(step, row.user_id);
    }
    this.failures.delete(key);
    const user: SessionUser = {
      id: row.user_id,
      username: row.username,
      first_name: row.first_name,
      last_name: row.last_name,
      role: row.role,
      offline: true,
    };
    this.user = user;
    this.locked = false;
    this.tokens = null;
    this.o.onChange?.(user);
    return { ok: true, value: user };
  }

  /**
   * Why a user whose password is right may still not sign in offline: the account was disabled (as
   * far as this PC has heard: the users table syncs), or the last online sign-in here is too old.
   */
  private offlineRefusal(row: OfflineUserRow, now: number): LoginError | null {
    const account = this.o.sqlite
      .prepare<[string], { is_active: number; deleted_at: string | null }>(
        'SELECT is_active, deleted_at FROM users WHERE id = ?',
      )
      .get(row.user_id);
    if (account && (account.is_active !== 1 || account.deleted_at !== null))
      return { code: 'account_disabled', message: 'this account has been disabled' };
    const days = new SystemSettings(this.o.sqlite).positiveInt(
      SYSTEM_SETTING.offlineLoginDays,
      OFFLINE_LOGIN_DAYS_DEFAULT,
    );
    if (now - Date.parse(row.last_online_login_at) > days * 86_400_000)
      return {
        code: 'offline_expired',
        message: `your last online sign-in on this workstation was more than ${days} days ago; connect to the network to sign in`,
      };
    return null;
  }

  private loginError(res: Response, body: unknown): LoginError {
    const err = errorBodyOf(body);
    const code = err?.error ?? '';
    const message = err?.message ?? '';
    if (res.status === 429) {
      const ra = Number(res.headers.get('retry-after'));
      return {
        code: 'locked',
        message: message || 'too many failed attempts; try again later',
        ...(Number.isFinite(ra) && ra > 0 ? { retryAfterSeconds: ra } : {}),
      };
    }
    if (
      code === 'otp_required' ||
      code === 'otp_invalid' ||
      code === 'account_disabled' ||
      code === 'password_change_required'
    )
      return { code, message: message || code };
    if (res.status === 400 && err?.issues?.length)
      return {
        code: 'weak_password',
        message: `the new password ${err.issues[0]?.message ?? 'was not accepted'}`,
      };
    if (res.status === 403)
      return { code: 'account_disabled', message: message || 'this account is disabled' };
    return { code: 'invalid_credentials', message: 'wrong username or password' };
  }

  private async post(path: string, body: unknown): Promise<Response> {
    try {
      return await (this.o.fetch ?? fetch)(`${this.o.server}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (e) {
      throw new NetworkError(e instanceof Error ? e.message : String(e));
    }
  }
}
