/**
 * Accounts: login (password, lockout, TOTP), refresh-token rotation with reuse detection, logout,
 * and the per-request check of an access token. Routes in `routes.ts` are thin wrappers over this.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import { normalizeLogin } from '../../db/primitives/index.ts';
import { passwordProblem } from '../../db/primitives/password-rules.ts';
import type { RoleName } from '../../db/schema/accounts.ts';
import * as s from '../../db/schema/pg.ts';
import type { Config } from '../config.ts';
import { HttpError, validationError } from '../http/errors.ts';
import { isoTime } from '../http/time.ts';
import { rowsOf, type ServerDb } from '../platform/database.ts';
import { appendAudit } from './audit.ts';
import { decoyHash, hashPassword, verifyPassword } from './passwords.ts';
import type { ServerKeys } from './secrets.ts';
import { hashToken, newRefreshToken, signAccessToken, verifyAccessToken } from './tokens.ts';
import { checkTotp, decryptTotpSecret, encryptTotpSecret, newTotpSecret, totpUri } from './totp.ts';

/** The authenticated caller, as route handlers see it (`request.auth`). */
export interface AuthUser {
  id: string;
  username: string;
  role: RoleName;
  role_id: string;
  /** The session family (one login) the access token belongs to. */
  session_id: string;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export type UserRow = typeof s.users.$inferSelect;

/** The user as the API shows it: no secrets, timestamps in ISO-8601. */
export function publicUser(
  user: UserRow,
  role: RoleName,
  extra: { totp_enabled?: boolean; last_login_at?: string | null } = {},
) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    first_name: user.first_name,
    last_name: user.last_name,
    role,
    role_id: user.role_id,
    is_active: user.is_active,
    phone: user.phone,
    language_preference: user.language_preference,
    created_at: isoTime(user.created_at),
    updated_at: isoTime(user.updated_at),
    version: user.version,
    last_login_at: isoTime(extra.last_login_at ?? null),
    ...(extra.totp_enabled === undefined ? {} : { totp_enabled: extra.totp_enabled }),
  };
}
export type PublicUser = ReturnType<typeof publicUser>;

/** Users with their role and the server-only facts the API shows (2FA on, last log-in); add `.where`. */
export const selectProfiles = (db: ServerDb) =>
  db
    .select({
      user: s.users,
      role: s.roles.name,
      totp: s.user_credentials.totp_enabled,
      last_login: s.user_credentials.last_login_at,
    })
    .from(s.users)
    .innerJoin(s.roles, eq(s.roles.id, s.users.role_id))
    .leftJoin(s.user_credentials, eq(s.user_credentials.user_id, s.users.id));

/** One row of `selectProfiles` as the API shows it. */
export const profileOf = (row: {
  user: UserRow;
  role: RoleName;
  totp: boolean | null;
  last_login: string | null;
}) => publicUser(row.user, row.role, { totp_enabled: row.totp ?? false, last_login_at: row.last_login });

export interface TokenPair {
  access: string;
  refresh: string;
  access_expires_in: number;
  refresh_expires_at: string;
}

/** A lockout counter for names that match no user, so they are answered exactly like real ones. */
interface GhostCounter {
  failures: number;
  lockedUntil: number;
}
const GHOST_LIMIT = 10_000;
/** After this many times `loginMaxFailures` failures from anywhere, an account takes one attempt per spacing. */
const ACCOUNT_SLOWDOWN_AFTER = 4;
const ACCOUNT_SPACING_MS = 5_000;

export class AuthService {
  private readonly ghosts = new Map<string, GhostCounter>();

  constructor(
    readonly db: ServerDb,
    readonly keys: ServerKeys,
    readonly config: Config,
    readonly now: () => Date,
  ) {}

  // ---- login -------------------------------------------------------------------------------------

  async login(
    input: { login: string; password: string; otp?: string | undefined; newPassword?: string | undefined },
    client: ClientInfo,
  ): Promise<TokenPair & { user: PublicUser }> {
    const now = this.now();
    const name = normalizeLogin(input.login);
    const found = await this.findForLogin(name);
    const cred = found?.cred ?? null;

    const userId = found?.user.id ?? null;
    const record = (status: (typeof s.login_activities.$inferInsert)['status']) =>
      this.recordActivity(userId, input.login, status, client);

    // The attempt is counted before the password is checked, in one statement: of any number of
    // guesses in parallel, only the first `loginMaxFailures` are ever checked; the rest find the
    // account locked (a check-then-count would let every one of them through while the first ran).
    const claim = found && cred ? await this.claimAttempt(found.user.id, client, now) : null;
    // Always exactly one argon2 verification, whatever the path, so timing says nothing.
    const passwordOk = await verifyPassword(
      claim?.allowed && cred ? cred.password_hash : await decoyHash(),
      input.password,
    );
    const lockedUntil = claim
      ? claim.allowed
        ? null
        : claim.lockedUntil
      : this.ghostLock(`${name}|${client.ip ?? 'unknown'}`, now);
    if (lockedUntil !== null) {
      await record('locked');
      throw lockedError(lockedUntil, now);
    }
    if (!found || !cred || !passwordOk) {
      if (!(found && cred)) this.ghostFailure(`${name}|${client.ip ?? 'unknown'}`, now);
      await record('failed');
      throw invalidCredentials();
    }
    if (!found.user.is_active || found.user.deleted_at) {
      await record('failed');
      throw new HttpError(403, 'account_disabled', 'this account is disabled');
    }
    if (cred.totp_enabled && cred.totp_secret_enc) {
      if (!input.otp) {
        await record('otp_required');
        throw new HttpError(401, 'otp_required', 'a one-time code from your authenticator is required');
      }
      const ok = await this.acceptTotp(
        found.user.id,
        cred.totp_secret_enc,
        input.otp,
        cred.totp_last_step,
        now,
      );
      if (!ok) {
        // Already counted as an attempt (claimAttempt): a wrong code costs one, like a wrong password.
        await record('otp_failed');
        throw new HttpError(401, 'otp_invalid', 'the one-time code is not valid');
      }
    }
    if (cred.must_change_password) {
      // An admin reset it: the password they chose opens nothing until the user replaces it.
      if (input.newPassword === undefined)
        throw new HttpError(
          403,
          'password_change_required',
          'your password was reset: choose a new one to sign in',
        );
      const problem =
        passwordProblem(input.newPassword, found.user.username) ??
        (input.newPassword === input.password ? 'must differ from the password you were given' : null);
      if (problem) throw validationError([{ field: 'new_password', rule: 'password', message: problem }]);
      await this.db.transaction(async (tx) => {
        await this.setPassword(tx, found.user.id, input.newPassword as string);
        await appendAudit(tx, {
          action: 'update',
          object_type: 'user_credentials',
          object_id: found.user.id,
          user_id: found.user.id,
          description: 'password changed after a reset',
          ip_address: client.ip,
          at: now,
        });
      });
    }
    const nowIso = now.toISOString();
    await this.db
      .update(s.user_credentials)
      .set({ failed_attempts: 0, locked_until: null, last_login_at: nowIso })
      .where(eq(s.user_credentials.user_id, found.user.id));
    await this.clearAttempts(found.user.id, client);
    const tokens = await this.openSession(found.user.id, found.role, randomUUID(), client);
    await record('success');
    await this.db.transaction((tx) =>
      appendAudit(tx, {
        action: 'login',
        object_type: 'users',
        object_id: found.user.id,
        user_id: found.user.id,
        description: 'signed in',
        ip_address: client.ip,
        at: now,
      }),
    );
    return {
      ...tokens,
      user: publicUser(found.user, found.role, { totp_enabled: cred.totp_enabled, last_login_at: nowIso }),
    };
  }

  private async findForLogin(name: string) {
    if (name === '') return null;
    const rows = await this.db
      .select({ user: s.users, role: s.roles.name, cred: s.user_credentials })
      .from(s.users)
      .innerJoin(s.roles, eq(s.roles.id, s.users.role_id))
      .leftJoin(s.user_credentials, eq(s.user_credentials.user_id, s.users.id))
      .where(
        and(
          isNull(s.users.deleted_at),
          or(sql`lower(${s.users.username}) = ${name}`, sql`lower(${s.users.email}) = ${name}`),
        ),
      )
      // A user name match wins over somebody else's e-mail address.
      .orderBy(desc(sql`lower(${s.users.username}) = ${name}`))
      .limit(1);
    return rows[0] ?? null;
  }

  /**
   * Counts one sign-in attempt, atomically, for this account **from this client address**: past
   * `loginMaxFailures` that client is locked out for `lockoutSeconds`, and only that client (anyone
   * could otherwise lock the admin out with five requests). The account as a whole is only slowed:
   * after `ACCOUNT_SLOWDOWN_AFTER` × the limit of failures from anywhere, one attempt per
   * `ACCOUNT_SPACING_MS`, so a guesser with many addresses gains little and the owner still gets in.
   * Concurrent guesses are counted before any is checked (one statement each), so a burst gets no
   * more checks than the limit. `allowed`: this attempt may be checked.
   */
  private async claimAttempt(
    userId: string,
    client: ClientInfo,
    now: Date,
  ): Promise<{ allowed: boolean; lockedUntil: Date | null }> {
    const nowIso = now.toISOString();
    const max = this.config.loginMaxFailures;
    const until = new Date(now.getTime() + this.config.lockoutSeconds * 1000).toISOString();
    const t = s.login_throttles;
    const lapsed = sql`(${t.locked_until} is not null and ${t.locked_until} <= ${nowIso}::timestamptz)`;
    const lockedNow = sql`(${t.locked_until} is not null and ${t.locked_until} > ${nowIso}::timestamptz)`;
    const next = sql`(case when ${lapsed} then 1 else ${t.failures} + 1 end)`;
    const [mine] = await this.db
      .insert(t)
      .values({
        user_id: userId,
        client: client.ip ?? 'unknown',
        failures: 1,
        locked_until: max <= 1 ? until : null,
      })
      .onConflictDoUpdate({
        target: [t.user_id, t.client],
        set: {
          failures: next,
          locked_until: sql`case when ${lockedNow} then ${t.locked_until} when ${next} >= ${max} then ${until}::timestamptz else null end`,
        },
      })
      .returning({ failed: t.failures, lockedUntil: t.locked_until });
    if (!mine) return { allowed: false, lockedUntil: null };
    if (mine.failed > max)
      return { allowed: false, lockedUntil: mine.lockedUntil ? new Date(isoTime(mine.lockedUntil)) : null };

    // The account-wide count: every failure from anywhere, and a spacing once it is high.
    const c = s.user_credentials;
    const spaced = sql`(${c.locked_until} is not null and ${c.locked_until} > ${nowIso}::timestamptz)`;
    const slow = sql`${c.failed_attempts} + 1 >= ${max * ACCOUNT_SLOWDOWN_AFTER}`;
    const spacing = new Date(now.getTime() + ACCOUNT_SPACING_MS).toISOString();
    // Whether the account was already spaced is read from the row as locked (FOR UPDATE), not from
    // the time it now holds: two attempts in the same millisecond must not both pass as the one that
    // set the spacing.
    const [account] = rowsOf<{ locked_until: string | null; was_spaced: boolean }>(
      await this.db.execute(sql`
        WITH old AS (SELECT ${c.locked_until} AS locked_until FROM ${c} WHERE ${c.user_id} = ${userId} FOR UPDATE)
        UPDATE ${c} SET
          failed_attempts = case when ${spaced} then ${c.failed_attempts} else ${c.failed_attempts} + 1 end,
          locked_until = case when ${spaced} then ${c.locked_until} when ${slow} then ${spacing}::timestamptz else null end
        FROM old WHERE ${c.user_id} = ${userId}
        RETURNING ${c.locked_until}::text AS locked_until,
          (old.locked_until IS NOT NULL AND old.locked_until > ${nowIso}::timestamptz) AS was_spaced`),
    );
    // The attempt that set the spacing is itself checked; the ones arriving within it wait.
    if (account?.was_spaced && account.locked_until)
      return { allowed: false, lockedUntil: new Date(isoTime(account.locked_until)) };
    return { allowed: true, lockedUntil: null };
  }

  /** A right password (and code) from this client: its count and the account's start again. */
  private async clearAttempts(userId: string, client: ClientInfo): Promise<void> {
    await this.db
      .delete(s.login_throttles)
      .where(
        and(eq(s.login_throttles.user_id, userId), eq(s.login_throttles.client, client.ip ?? 'unknown')),
      );
  }

  private ghostLock(name: string, now: Date): Date | null {
    const g = this.ghosts.get(name);
    return g && g.lockedUntil > now.getTime() ? new Date(g.lockedUntil) : null;
  }

  private ghostFailure(name: string, now: Date): void {
    let g = this.ghosts.get(name);
    if (g && g.lockedUntil !== 0 && g.lockedUntil <= now.getTime()) g = undefined;
    const next = { failures: (g?.failures ?? 0) + 1, lockedUntil: 0 };
    if (next.failures >= this.config.loginMaxFailures) {
      next.lockedUntil = now.getTime() + this.config.lockoutSeconds * 1000;
    }
    this.ghosts.delete(name);
    this.ghosts.set(name, next);
    if (this.ghosts.size > GHOST_LIMIT) {
      const oldest = this.ghosts.keys().next().value;
      if (oldest !== undefined) this.ghosts.delete(oldest);
    }
  }

  private async recordActivity(
    userId: string | null,
    attempted: string,
    status: (typeof s.login_activities.$inferInsert)['status'],
    client: ClientInfo,
  ) {
    await this.db.insert(s.login_activities).values({
      user_id: userId,
      username_attempted: attempted.slice(0, 200),
      status,
      ip_address: client.ip,
      user_agent: client.userAgent?.slice(0, 500) ?? null,
    });
  }

  // ---- sessions ----------------------------------------------------------------------------------

  private async openSession(userId: string, role: RoleName, familyId: string, client: ClientInfo) {
    const now = this.now();
    const refresh = newRefreshToken();
    const expires = new Date(now.getTime() + this.config.refreshTokenTtl * 1000).toISOString();
    await this.db.insert(s.auth_sessions).values({
      user_id: userId,
      family_id: familyId,
      token_hash: hashToken(refresh),
      expires_at: expires,
      user_agent: client.userAgent?.slice(0, 500) ?? null,
      ip_address: client.ip,
    });
    const access = await signAccessToken(
      this.keys.jwtKey,
      { sub: userId, sid: familyId, role },
      now,
      this.config.accessTokenTtl,
    );
    return { access, refresh, access_expires_in: this.config.accessTokenTtl, refresh_expires_at: expires };
  }

  /** Rotates a refresh token. A token already rotated (or revoked) is a replay: its family dies. */
  async refresh(token: string, client: ClientInfo): Promise<TokenPair & { user: PublicUser }> {
    const now = this.now();
    const [row] = await this.db
      .select({ session: s.auth_sessions, user: s.users, role: s.roles.name })
      .from(s.auth_sessions)
      .innerJoin(s.users, eq(s.users.id, s.auth_sessions.user_id))
      .innerJoin(s.roles, eq(s.roles.id, s.users.role_id))
      .where(eq(s.auth_sessions.token_hash, hashToken(token)));
    if (!row) throw invalidRefresh();
    const { session, user, role } = row;
    if (session.revoked_at) throw invalidRefresh();
    if (session.rotated_at) {
      await this.revokeFamily(session.family_id);
      throw new HttpError(
        401,
        'refresh_reused',
        'this refresh token was already used; the session is closed',
      );
    }
    if (new Date(isoTime(session.expires_at)).getTime() <= now.getTime()) throw invalidRefresh();
    if (!user.is_active || user.deleted_at) {
      await this.revokeFamily(session.family_id);
      throw new HttpError(401, 'account_disabled', 'this account is disabled');
    }
    const claimed = await this.db
      .update(s.auth_sessions)
      .set({ rotated_at: now.toISOString() })
      .where(
        and(
          eq(s.auth_sessions.id, session.id),
          isNull(s.auth_sessions.rotated_at),
          isNull(s.auth_sessions.revoked_at),
        ),
      )
      .returning({ id: s.auth_sessions.id });
    if (claimed.length === 0) {
      // Lost a race with another use of the same token: that is a replay too.
      await this.revokeFamily(session.family_id);
      throw new HttpError(
        401,
        'refresh_reused',
        'this refresh token was already used; the session is closed',
      );
    }
    const tokens = await this.openSession(user.id, role, session.family_id, client);
    return { ...tokens, user: publicUser(user, role) };
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.db
      .update(s.auth_sessions)
      .set({ revoked_at: this.now().toISOString() })
      .where(and(eq(s.auth_sessions.family_id, familyId), isNull(s.auth_sessions.revoked_at)));
  }

  /** Closes every session of a user (password reset, account disabled). */
  /**
   * Ends the user's authoring grants on every workstation, now: what their PCs wrote before it still
   * lands, anything later is quarantined (sync/mutations/authors.ts).
   */
  async endGrants(
    db: ServerDb,
    userId: string,
    opts: { workstationId?: string; at?: Date } = {},
  ): Promise<void> {
    const g = s.authoring_grants;
    await db
      .update(g)
      .set({ revoked_at: (opts.at ?? this.now()).toISOString() })
      .where(
        and(
          eq(g.user_id, userId),
          isNull(g.revoked_at),
          ...(opts.workstationId ? [eq(g.workstation_id, opts.workstationId)] : []),
        ),
      );
  }

  async revokeUserSessions(db: ServerDb, userId: string): Promise<void> {
    await db
      .update(s.auth_sessions)
      .set({ revoked_at: this.now().toISOString() })
      .where(and(eq(s.auth_sessions.user_id, userId), isNull(s.auth_sessions.revoked_at)));
  }

  /**
   * Closes a session: the one of the access token when given, and the one of the refresh token (so
   * a client whose access token has expired can still log out with its refresh token alone).
   * Returns false when neither named a session.
   */
  async logout(user: AuthUser | null, refresh: string | undefined, client: ClientInfo): Promise<boolean> {
    let who: { id: string; username: string } | null = user;
    if (user) await this.revokeFamily(user.session_id);
    if (refresh) {
      const [row] = await this.db
        .select({
          family: s.auth_sessions.family_id,
          user: s.auth_sessions.user_id,
          username: s.users.username,
        })
        .from(s.auth_sessions)
        .innerJoin(s.users, eq(s.users.id, s.auth_sessions.user_id))
        .where(eq(s.auth_sessions.token_hash, hashToken(refresh)));
      if (row && (!user || row.user === user.id)) {
        await this.revokeFamily(row.family);
        who ??= { id: row.user, username: row.username };
      }
    }
    if (!who) return false;
    await this.recordActivity(who.id, who.username, 'logout', client);

    const id = who.id;
    await this.db.transaction((tx) =>
      appendAudit(tx, {
        action: 'logout',
        object_type: 'users',
        object_id: id,
        user_id: id,
        description: 'signed out',
        ip_address: client.ip,
        at: this.now(),
      }),
    );
    return true;
  }

  /** The user behind a bearer token: the JWT must verify, the user be active, the session open. */
  async authenticate(token: string): Promise<AuthUser | null> {
    const claims = await verifyAccessToken(this.keys.jwtKey, token, this.now());
    if (!claims) return null;
    const [row] = await this.db
      .select({
        id: s.users.id,
        username: s.users.username,
        role: s.roles.name,
        role_id: s.users.role_id,
        open: sql<boolean>`exists (select 1 from ${s.auth_sessions} where ${s.auth_sessions.family_id} = ${claims.sid} and ${s.auth_sessions.user_id} = ${s.users.id} and ${s.auth_sessions.revoked_at} is null)`,
      })
      .from(s.users)
      .innerJoin(s.roles, eq(s.roles.id, s.users.role_id))
      .where(and(eq(s.users.id, claims.sub), eq(s.users.is_active, true), isNull(s.users.deleted_at)));
    if (!row?.open) return null;
    return {
      id: row.id,
      username: row.username,
      role: row.role,
      role_id: row.role_id,
      session_id: claims.sid,
    };
  }

  // ---- TOTP --------------------------------------------------------------------------------------

  private async credentials(userId: string) {
    const [cred] = await this.db
      .select()
      .from(s.user_credentials)
      .where(eq(s.user_credentials.user_id, userId));
    if (!cred) throw new HttpError(409, 'no_credentials', 'this account has no password set');
    return cred;
  }

  /** Verifies a code and records its step atomically, so the same code never passes twice. */
  private async acceptTotp(userId: string, enc: string, otp: string, lastStep: number | null, now: Date) {
    const secret = decryptTotpSecret(this.keys.totpKey, enc, userId);
    const step = await checkTotp(secret, otp, now, lastStep);
    if (step === null) return false;
    const updated = await this.db
      .update(s.user_credentials)
      .set({ totp_last_step: step })
      .where(
        and(
          eq(s.user_credentials.user_id, userId),
          or(isNull(s.user_credentials.totp_last_step), sql`${s.user_credentials.totp_last_step} < ${step}`),
        ),
      )
      .returning({ id: s.user_credentials.id });
    return updated.length === 1;
  }

  async enrollTotp(user: AuthUser, client: ClientInfo): Promise<{ secret: string; otpauth_uri: string }> {
    const cred = await this.credentials(user.id);
    if (cred.totp_enabled) throw new HttpError(409, 'totp_already_enabled', 'two-factor login is already on');
    const secret = newTotpSecret();
    await this.db.transaction(async (tx) => {
      await tx
        .update(s.user_credentials)
        .set({ totp_secret_enc: encryptTotpSecret(this.keys.totpKey, secret, user.id), totp_enabled: false })
        .where(eq(s.user_credentials.user_id, user.id));
      await appendAudit(tx, this.auditOf(user, client, 'totp enrolment started'));
    });
    return { secret, otpauth_uri: totpUri(secret, user.username) };
  }

  async confirmTotp(user: AuthUser, otp: string, client: ClientInfo): Promise<void> {
    const cred = await this.credentials(user.id);
    if (cred.totp_enabled) throw new HttpError(409, 'totp_already_enabled', 'two-factor login is already on');
    if (!cred.totp_secret_enc) throw new HttpError(409, 'totp_not_enrolled', 'start enrolment first');
    const ok = await this.acceptTotp(user.id, cred.totp_secret_enc, otp, cred.totp_last_step, this.now());
    if (!ok) throw new HttpError(401, 'otp_invalid', 'the one-time code is not valid');
    await this.db.transaction(async (tx) => {
      await tx
        .update(s.user_credentials)
        .set({ totp_enabled: true })
        .where(eq(s.user_credentials.user_id, user.id));
      await appendAudit(tx, this.auditOf(user, client, 'totp enabled'));
    });
  }

  async disableTotp(user: AuthUser, password: string, otp: string, client: ClientInfo): Promise<void> {
    const cred = await this.credentials(user.id);
    if (!cred.totp_enabled || !cred.totp_secret_enc) {
      throw new HttpError(409, 'totp_not_enabled', 'two-factor login is not on');
    }
    // Guessing the password or the code here (with a stolen session) counts like guessing at sign-in,
    // against the same limit: the account locks for both.
    const now = this.now();
    const claim = await this.claimAttempt(user.id, client, now);
    const passwordOk = await verifyPassword(claim.allowed ? cred.password_hash : await decoyHash(), password);
    if (!claim.allowed) throw lockedError(claim.lockedUntil ?? now, now);
    if (!passwordOk) throw invalidCredentials();
    const ok = await this.acceptTotp(user.id, cred.totp_secret_enc, otp, cred.totp_last_step, now);
    if (!ok) throw new HttpError(401, 'otp_invalid', 'the one-time code is not valid');
    await this.db.transaction(async (tx) => {
      await tx
        .update(s.user_credentials)
        .set({ totp_enabled: false, totp_secret_enc: null, failed_attempts: 0, locked_until: null })
        .where(eq(s.user_credentials.user_id, user.id));
      await appendAudit(tx, this.auditOf(user, client, 'totp disabled'));
    });
  }

  private auditOf(user: AuthUser, client: ClientInfo, description: string) {
    return {
      action: 'update' as const,
      object_type: 'user_credentials',
      object_id: user.id,
      user_id: user.id,
      description,
      ip_address: client.ip,
      at: this.now(),
    };
  }

  // ---- passwords ---------------------------------------------------------------------------------

  /** Sets a password (in the caller's transaction), clears any lockout and closes the user's sessions. */
  /** Sets a password and closes the user's sessions; `mustChange` for one an admin chose (a reset). */
  async setPassword(
    db: ServerDb,
    userId: string,
    password: string,
    opts: { mustChange?: boolean } = {},
  ): Promise<void> {
    const password_hash = await hashPassword(password);
    const nowIso = this.now().toISOString();
    const must_change_password = opts.mustChange ?? false;
    await db
      .insert(s.user_credentials)
      .values({ user_id: userId, password_hash, password_changed_at: nowIso, must_change_password })
      .onConflictDoUpdate({
        target: s.user_credentials.user_id,
        set: {
          password_hash,
          password_changed_at: nowIso,
          failed_attempts: 0,
          locked_until: null,
          must_change_password,
        },
      });
    await this.revokeUserSessions(db, userId);
    // An admin's reset: whoever had the old password may have written as this user; from now, not.
    if (must_change_password) await this.endGrants(db, userId);
  }

  /**
   * A signed-in user changes their own password: the current one is checked (counted like a sign-in
   * attempt, so a stolen session cannot guess it), the new one must pass the rules and differ, and
   * every other session of the user ends.
   */
  async changePassword(user: AuthUser, current: string, next: string, client: ClientInfo): Promise<void> {
    const cred = await this.credentials(user.id);
    const now = this.now();
    const claim = await this.claimAttempt(user.id, client, now);
    const ok = await verifyPassword(claim.allowed ? cred.password_hash : await decoyHash(), current);
    if (!claim.allowed) throw lockedError(claim.lockedUntil ?? now, now);
    if (!ok) throw invalidCredentials();
    const problem =
      passwordProblem(next, user.username) ?? (next === current ? 'must differ from the current one' : null);
    if (problem) throw validationError([{ field: 'new_password', rule: 'password', message: problem }]);
    await this.db.transaction(async (tx) => {
      await this.setPassword(tx, user.id, next);
      await appendAudit(tx, this.auditOf(user, client, 'password changed'));
    });
    await this.clearAttempts(user.id, client);
  }
}

function lockedError(until: Date, now: Date) {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new HttpError(
    429,
    'locked',
    'too many failed attempts; try again later',
    { retry_after: seconds },
    { 'retry-after': String(seconds) },
  );
}

const invalidCredentials = () => new HttpError(401, 'invalid_credentials', 'wrong user name or password');
const invalidRefresh = () => new HttpError(401, 'invalid_refresh', 'the refresh token is not valid');
