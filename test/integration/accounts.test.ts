/**
 * The accounts flows of the sync server, end to end through HTTP (fastify.inject), on a fresh real
 * Postgres database and on the embedded PGlite database.
 */
import { and, count, eq } from 'drizzle-orm';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { SignJWT } from 'jose';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '../../db/schema/pg.ts';
import { bootstrap } from '../../sync-server/admin/bootstrap.ts';
import { buildApp } from '../../sync-server/app.ts';
import { appendAudit, auditHash, verifyAuditChain } from '../../sync-server/auth/audit.ts';
import { JWT_AUDIENCE, JWT_ISSUER } from '../../sync-server/auth/tokens.ts';
import { testConfig } from '../../sync-server/config.ts';
import { type Database, openDatabase } from '../../sync-server/platform/database.ts';
import { createTestDatabase } from '../support/postgres.ts';

const ADMIN_PASSWORD = 'admin-password-for-tests';
const PASSWORD = 'correct horse battery';

type Opened = { database: Database; cleanup: () => Promise<void> };
const backends: [string, () => Promise<Opened>][] = [
  [
    'postgres',
    async () => {
      const t = await createTestDatabase('hms_accounts');
      const database = await openDatabase({ url: t.url });
      return {
        database,
        cleanup: async () => {
          await database.close();
          await t.drop();
        },
      };
    },
  ],
  [
    'pglite',
    async () => {
      const database = await openDatabase({});
      return { database, cleanup: () => database.close() };
    },
  ],
];

describe.each(backends)('accounts on %s', (kind, open) => {
  let app: FastifyInstance;
  let database: Database;
  let cleanup: () => Promise<void>;
  let offsetMs = 0;
  /** Set, the server's clock stands still (a loaded machine must not let a spacing run out mid-test). */
  let frozenAt: number | null = null;
  const now = () => new Date((frozenAt ?? Date.now()) + offsetMs);
  let admin: string;
  const ids: Record<string, string> = {};

  const call = (method: InjectOptions['method'], url: string, body?: unknown, token?: string) =>
    app.inject({
      method,
      url,
      ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const post = (url: string, body?: unknown, token?: string) => call('POST', url, body, token);
  const get = (url: string, token?: string) => call('GET', url, undefined, token);
  const login = (username: string, password = PASSWORD, otp?: string) =>
    post('/api/auth/login', { username, password, ...(otp ? { otp } : {}) });
  const tokensOf = (res: LightMyRequestResponse) => {
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { access: string; refresh: string; user: { id: string; role: string } };
  };
  const createUser = async (username: string, role: string, extra: Record<string, unknown> = {}) => {
    const res = await post(
      '/api/users',
      { username, first_name: 'Test', last_name: username, role, password: PASSWORD, ...extra },
      admin,
    );
    expect(res.statusCode, res.body).toBe(201);
    ids[username] = res.json().user.id;
    return res.json().user as { id: string; role: string };
  };
  const countRows = async (table: typeof s.users | typeof s.audit_log | typeof s.role_change_requests) => {
    const [row] = await database.db.select({ n: count() }).from(table);
    return row?.n ?? 0;
  };
  const otpNow = (secret: string) => generate({ secret, epoch: Math.floor(now().getTime() / 1000) });

  beforeAll(async () => {
    ({ database, cleanup } = await open());
    const first = await bootstrap(database, testConfig({ adminPassword: ADMIN_PASSWORD }));
    expect(first).toEqual({ adminCreated: true });
    expect(await bootstrap(database, testConfig({ adminPassword: ADMIN_PASSWORD }))).toEqual({
      adminCreated: false,
    });
    app = await buildApp({
      database,
      config: testConfig({ accessTokenTtl: 600 }),
      now,
      plugins: [
        async (a) => {
          a.get('/api/test/boom', async () => {
            throw new Error('secret internals at /srv/db.ts:42');
          });
        },
      ],
    });
    await app.ready();
    admin = tokensOf(await login('admin', ADMIN_PASSWORD)).access;
    await Promise.all([
      createUser('dr.jallow', 'doctor', { email: 'jallow@example.gm' }),
      createUser('n.ceesay', 'nurse'),
      createUser('r.sowe', 'receptionist'),
      createUser('locky', 'pharmacist'),
      createUser('dr.totp', 'doctor'),
      createUser('lab.bah', 'lab_technician'),
      createUser('burst.guess', 'nurse'),
      createUser('guessed.at', 'lab_technician'),
      createUser('reset.me', 'nurse'),
      createUser('self.change', 'nurse'),
      createUser('totp.guess', 'nurse'),
    ]);
  });

  afterAll(async () => {
    await app?.close();
    await cleanup?.();
  });

  it('answers /api/health with the database status', async () => {
    const res = await get('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: { kind, ok: true } });
  });

  it('answers 503 when the database does not answer', async () => {
    const down: Database = {
      ...database,
      query: async () => {
        throw new Error('connection refused');
      },
    };
    const sick = await buildApp({ database: down, config: testConfig(), now });
    try {
      const res = await sick.inject({ method: 'GET', url: '/api/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'error', database: { kind, ok: false } });
    } finally {
      await sick.close();
    }
  });

  it('bootstrap created the six roles', async () => {
    const res = await get('/api/roles', admin);
    expect(res.statusCode).toBe(200);
    expect(
      res
        .json()
        .roles.map((r: { name: string }) => r.name)
        .sort(),
    ).toEqual(['admin', 'doctor', 'lab_technician', 'nurse', 'pharmacist', 'receptionist'].sort());
  });

  it('logs in by user name or e-mail; a wrong password and an unknown user get the same answer', async () => {
    const ok = tokensOf(await login('dr.jallow'));
    expect(ok.user.role).toBe('doctor');
    expect(ok.access.split('.')).toHaveLength(3);
    expect(JSON.stringify(ok.user)).not.toMatch(/password|hash|totp_secret/);
    tokensOf(await post('/api/auth/login', { email: 'JALLOW@example.gm', password: PASSWORD }));

    const wrong = await login('dr.jallow', 'not the password');
    const unknown = await login('nobody.here', 'not the password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toBe(wrong.body);
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(wrong.headers).sort());
    // The right password clears the failure count.
    tokensOf(await login('dr.jallow'));
  });

  it('locks a user out after 5 failures (429 + Retry-After, right password refused) and records it', async () => {
    for (let i = 0; i < 5; i++) expect((await login('locky', 'wrong')).statusCode).toBe(401);
    const locked = await login('locky');
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(locked.json().error).toBe('locked');

    // An unknown name is locked out just the same.
    for (let i = 0; i < 5; i++) expect((await login('ghost.user', 'wrong')).statusCode).toBe(401);
    const ghost = await login('ghost.user', 'wrong');
    expect(ghost.statusCode).toBe(429);
    expect(ghost.json().error).toBe('locked');
    expect(ghost.headers['retry-after']).toBeDefined();

    const rows = await database.db
      .select({ status: s.login_activities.status, user: s.login_activities.user_id })
      .from(s.login_activities)
      .where(eq(s.login_activities.username_attempted, 'locky'));
    expect(rows.filter((r) => r.status === 'failed')).toHaveLength(5);
    expect(rows.filter((r) => r.status === 'locked')).toHaveLength(1);
    expect(rows.every((r) => r.user === ids.locky)).toBe(true);
    const ghostRows = await database.db
      .select({ status: s.login_activities.status, user: s.login_activities.user_id })
      .from(s.login_activities)
      .where(eq(s.login_activities.username_attempted, 'ghost.user'));
    expect(ghostRows.map((r) => r.status).sort()).toEqual([...Array(5).fill('failed'), 'locked'].sort());
    expect(ghostRows.every((r) => r.user === null)).toBe(true);

    // After the lockout the right password works again.
    offsetMs += 15 * 60 * 1000 + 1000;
    try {
      tokensOf(await login('locky'));
    } finally {
      offsetMs -= 15 * 60 * 1000 + 1000;
    }
  });

  it('refuses weak new passwords: short, common, a common word dressed up', async () => {
    for (const weak of ['short', 'password1234', 'Hospital2026!', '            ']) {
      const res = await post(
        '/api/users',
        { username: `weak.${weak.length}`, first_name: 'W', last_name: 'K', role: 'nurse', password: weak },
        admin,
      );
      expect(res.statusCode, weak).toBe(400);
      expect(res.json().issues[0].field).toBe('password');
    }
  });

  it('an admin reset forces a new password at the next sign-in, and the reset one opens nothing', async () => {
    const given = 'temporary given 4711';
    const reset = await call('PATCH', `/api/users/${ids['reset.me']}`, { password: given }, admin);
    expect(reset.statusCode, reset.body).toBe(200);
    const first = await login('reset.me', given);
    expect(first.statusCode).toBe(403);
    expect(first.json().error).toBe('password_change_required');
    const weak = await post('/api/auth/login', {
      username: 'reset.me',
      password: given,
      new_password: 'password1234',
    });
    expect(weak.statusCode).toBe(400);
    const mine = 'my own quiet harbour';
    tokensOf(await post('/api/auth/login', { username: 'reset.me', password: given, new_password: mine }));
    expect((await login('reset.me', given)).statusCode).toBe(401);
    tokensOf(await login('reset.me', mine));
  });

  it('sign-ins and sign-outs are in the audit chain', async () => {
    const t = tokensOf(await login('lab.bah'));
    expect((await post('/api/auth/logout', { refresh: t.refresh }, t.access)).statusCode).toBe(204);
    const rows = await database.db
      .select({ action: s.audit_log.action })
      .from(s.audit_log)
      .where(eq(s.audit_log.user_id, ids['lab.bah'] ?? ''))
      .orderBy(s.audit_log.seq);
    expect(rows.map((r) => r.action).slice(-2)).toEqual(['login', 'logout']);
  });

  it('a user changes their own password; the current one is checked and other sessions end', async () => {
    const t = tokensOf(await login('self.change'));
    const change = (current: string, next: string) =>
      post('/api/auth/password', { current_password: current, new_password: next }, t.access);
    expect((await change('not my password', 'a brand new sentence')).statusCode).toBe(401);
    expect((await change(PASSWORD, 'qwerty123456')).statusCode).toBe(400);
    const other = tokensOf(await login('self.change'));
    expect((await change(PASSWORD, 'a brand new sentence')).statusCode).toBe(204);
    expect((await post('/api/auth/refresh', { refresh: other.refresh })).statusCode).toBe(401);
    expect((await login('self.change')).statusCode).toBe(401);
    tokensOf(await login('self.change', 'a brand new sentence'));
  });

  it("locks out the guessing client, not the account's owner at another desk; many clients only slow it", async () => {
    const from = (ip: string, password: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'guessed.at', password },
        remoteAddress: ip,
      });
    for (let i = 0; i < 5; i++) expect((await from('10.9.9.9', `guess ${i}`)).statusCode).toBe(401);
    expect((await from('10.9.9.9', PASSWORD)).statusCode).toBe(429);
    // The owner, at their own desk, signs in at once.
    expect((await from('10.0.0.5', PASSWORD)).statusCode).toBe(200);
    // Twenty addresses guessing four times each: the account is slowed (one attempt per few seconds),
    // never locked for its owner beyond that.
    frozenAt = Date.now();
    try {
      for (let ip = 1; ip <= 20; ip++) for (let i = 0; i < 4; i++) await from(`10.8.0.${ip}`, `guess ${i}`);
      const slowed = await from('10.0.0.5', PASSWORD);
      expect(slowed.statusCode).toBe(429);
      expect(Number(slowed.headers['retry-after'])).toBeLessThanOrEqual(5);
      offsetMs += 6_000;
      expect((await from('10.0.0.5', PASSWORD)).statusCode).toBe(200);
    } finally {
      frozenAt = null;
      offsetMs = 0;
    }
  });

  it('checks at most 5 of a burst of parallel wrong guesses, and the right password is refused after it', async () => {
    const name = 'burst.guess';
    const burst = await Promise.all(Array.from({ length: 40 }, () => login(name, 'a wrong guess')));
    const codes = burst.map((r) => r.statusCode);
    // Exactly the first five were checked (401); every other one found the account locked (429).
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(35);
    expect((await login(name)).statusCode).toBe(429);
    const rows = await database.db
      .select({ status: s.login_activities.status })
      .from(s.login_activities)
      .where(eq(s.login_activities.username_attempted, name));
    expect(rows.filter((r) => r.status === 'failed')).toHaveLength(5);
  });

  it('rotates refresh tokens; reusing one revokes the whole family', async () => {
    const first = tokensOf(await login('n.ceesay'));
    const second = tokensOf(await post('/api/auth/refresh', { refresh: first.refresh }));
    expect(second.refresh).not.toBe(first.refresh);
    expect((await get('/api/auth/me', second.access)).statusCode).toBe(200);

    const replay = await post('/api/auth/refresh', { refresh: first.refresh });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error).toBe('refresh_reused');
    // The family is gone: the newest refresh token and its access token too.
    expect((await post('/api/auth/refresh', { refresh: second.refresh })).statusCode).toBe(401);
    expect((await get('/api/auth/me', second.access)).statusCode).toBe(401);
    expect((await post('/api/auth/refresh', { refresh: 'x'.repeat(43) })).statusCode).toBe(401);
  });

  it('logout revokes the session; me answers the caller', async () => {
    const t = tokensOf(await login('r.sowe'));
    const me = await get('/api/auth/me', t.access);
    expect(me.statusCode).toBe(200);
    expect(me.json().user).toMatchObject({ username: 'r.sowe', role: 'receptionist', totp_enabled: false });
    expect((await get('/api/auth/me')).statusCode).toBe(401);

    expect((await post('/api/auth/logout', { refresh: t.refresh }, t.access)).statusCode).toBe(204);
    expect((await get('/api/auth/me', t.access)).statusCode).toBe(401);
    expect((await post('/api/auth/refresh', { refresh: t.refresh })).statusCode).toBe(401);
    const [logout] = await database.db
      .select()
      .from(s.login_activities)
      .where(
        and(eq(s.login_activities.user_id, ids['r.sowe'] ?? ''), eq(s.login_activities.status, 'logout')),
      );
    expect(logout).toBeDefined();

    // With the refresh token alone (the access token may have expired).
    const u = tokensOf(await login('r.sowe'));
    expect((await post('/api/auth/logout', { refresh: u.refresh })).statusCode).toBe(204);
    expect((await get('/api/auth/me', u.access)).statusCode).toBe(401);
    expect((await post('/api/auth/logout', {})).statusCode).toBe(401);
    expect((await post('/api/auth/logout', { refresh: 'y'.repeat(43) })).statusCode).toBe(401);
  });

  it('refuses a disabled user at once: access token, refresh and login', async () => {
    const t = tokensOf(await login('lab.bah'));
    const off = await call('PATCH', `/api/users/${ids['lab.bah']}`, { is_active: false }, admin);
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().user.is_active).toBe(false);
    expect((await get('/api/auth/me', t.access)).statusCode).toBe(401);
    expect((await post('/api/auth/refresh', { refresh: t.refresh })).statusCode).toBe(401);
    const again = await login('lab.bah');
    expect(again.statusCode).toBe(403);
    expect(again.json().error).toBe('account_disabled');
    expect((await call('PATCH', `/api/users/${ids['lab.bah']}`, { is_active: true }, admin)).statusCode).toBe(
      200,
    );
    tokensOf(await login('lab.bah'));
  });

  it('refuses forged, tampered, wrong-audience and expired access tokens', async () => {
    const t = tokensOf(await login('dr.jallow'));
    const [header, payload, signature] = t.access.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    expect((await get('/api/auth/me', none)).statusCode).toBe(401);
    const tampered = `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`;
    expect((await get('/api/users', tampered)).statusCode).toBe(401);

    const key = app.hms.keys.jwtKey;
    const sign = (aud: string, iss: string, signingKey: Uint8Array) =>
      new SignJWT({ sid: claims.sid, role: claims.role })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(String(claims.sub))
        .setIssuer(iss)
        .setAudience(aud)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(signingKey);
    expect((await get('/api/auth/me', await sign(JWT_AUDIENCE, JWT_ISSUER, key))).statusCode).toBe(200);
    expect((await get('/api/auth/me', await sign('someone-else', JWT_ISSUER, key))).statusCode).toBe(401);
    expect((await get('/api/auth/me', await sign(JWT_AUDIENCE, 'evil', key))).statusCode).toBe(401);
    const otherKey = new TextEncoder().encode('x'.repeat(32));
    expect((await get('/api/auth/me', await sign(JWT_AUDIENCE, JWT_ISSUER, otherKey))).statusCode).toBe(401);

    offsetMs += 601_000;
    try {
      const expired = await get('/api/auth/me', t.access);
      expect(expired.statusCode).toBe(401);
      expect(expired.headers['www-authenticate']).toBe('Bearer');
    } finally {
      offsetMs -= 601_000;
    }
    expect((await get('/api/auth/me', t.access)).statusCode).toBe(200);
  });

  it('2FA disable counts its password guesses like sign-in: a stolen session cannot guess on', async () => {
    const t = tokensOf(await login('totp.guess'));
    const { secret } = (await post('/api/auth/2fa/enroll', {}, t.access)).json() as { secret: string };
    expect((await post('/api/auth/2fa/confirm', { otp: await otpNow(secret) }, t.access)).statusCode).toBe(
      200,
    );
    offsetMs += 30_000;
    try {
      const code = await otpNow(secret);
      for (let i = 0; i < 5; i++)
        expect(
          (await post('/api/auth/2fa/disable', { password: `guess ${i}`, otp: code }, t.access)).statusCode,
        ).toBe(401);
      // The sixth try, even right, finds the account locked: here and at sign-in.
      const locked = await post('/api/auth/2fa/disable', { password: PASSWORD, otp: code }, t.access);
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error).toBe('locked');
      expect((await login('totp.guess', PASSWORD, code)).statusCode).toBe(429);
    } finally {
      offsetMs -= 30_000;
    }
  });

  it('TOTP: enrol, confirm, required at login, invalid, no reuse, disable with re-authentication', async () => {
    const t = tokensOf(await login('dr.totp'));
    const enroll = await post('/api/auth/2fa/enroll', {}, t.access);
    expect(enroll.statusCode, enroll.body).toBe(200);
    const { secret, otpauth_uri } = enroll.json() as { secret: string; otpauth_uri: string };
    expect(otpauth_uri).toMatch(/^otpauth:\/\/totp\/HMS:dr\.totp\?/);
    const [cred] = await database.db
      .select()
      .from(s.user_credentials)
      .where(eq(s.user_credentials.user_id, ids['dr.totp'] ?? ''));
    expect(cred?.totp_secret_enc).toBeTruthy();
    expect(cred?.totp_secret_enc).not.toContain(secret);
    expect(cred?.totp_enabled).toBe(false);

    const badConfirm = await post('/api/auth/2fa/confirm', { otp: '000000' }, t.access);
    expect(badConfirm.statusCode).toBe(401);
    const code1 = await otpNow(secret);
    expect((await post('/api/auth/2fa/confirm', { otp: code1 }, t.access)).statusCode).toBe(200);
    expect((await post('/api/auth/2fa/enroll', {}, t.access)).statusCode).toBe(409);

    const needed = await login('dr.totp');
    expect(needed.statusCode).toBe(401);
    expect(needed.json().error).toBe('otp_required');
    const wrongOtp = await login('dr.totp', PASSWORD, code1 === '123456' ? '654321' : '123456');
    expect(wrongOtp.json().error).toBe('otp_invalid');
    // The code that confirmed enrolment cannot log in.
    expect((await login('dr.totp', PASSWORD, code1)).json().error).toBe('otp_invalid');

    offsetMs += 30_000;
    try {
      const code2 = await otpNow(secret);
      const ok = tokensOf(await login('dr.totp', PASSWORD, code2));
      expect((await login('dr.totp', PASSWORD, code2)).json().error).toBe('otp_invalid');
      expect((await get('/api/auth/me', ok.access)).json().user.totp_enabled).toBe(true);

      offsetMs += 30_000;
      const code3 = await otpNow(secret);
      const wrongPw = await post('/api/auth/2fa/disable', { password: 'nope', otp: code3 }, ok.access);
      expect(wrongPw.statusCode).toBe(401);
      const off = await post('/api/auth/2fa/disable', { password: PASSWORD, otp: code3 }, ok.access);
      expect(off.statusCode, off.body).toBe(200);
      tokensOf(await login('dr.totp'));
      const statuses = (
        await database.db
          .select({ status: s.login_activities.status })
          .from(s.login_activities)
          .where(eq(s.login_activities.username_attempted, 'dr.totp'))
      ).map((r) => r.status);
      expect(statuses).toEqual(expect.arrayContaining(['otp_required', 'otp_failed', 'success']));
    } finally {
      offsetMs -= 60_000;
    }
  });

  it('admin endpoints answer 403 to other roles and 401 without a token', async () => {
    const doctor = tokensOf(await login('dr.jallow')).access;
    const someId = ids['n.ceesay'];
    const attempts: [InjectOptions['method'], string, unknown][] = [
      ['GET', '/api/users', undefined],
      ['POST', '/api/users', { username: 'x' }],
      ['GET', `/api/users/${someId}`, undefined],
      ['PATCH', `/api/users/${someId}`, { first_name: 'Hacked' }],
      ['POST', `/api/role-change-requests/${someId}/approve`, {}],
      ['POST', `/api/role-change-requests/${someId}/reject`, { review_notes: 'no' }],
      ['POST', '/api/role-change-requests/assign-role', { user_id: someId, role: 'admin' }],
    ];
    for (const [method, url, body] of attempts) {
      const res = await call(method, url, body, doctor);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect((await call(method, url, body)).statusCode, `${method} ${url}`).toBe(401);
    }
    const [row] = await database.db
      .select()
      .from(s.users)
      .where(eq(s.users.id, someId ?? ''));
    expect(row?.first_name).toBe('Test');
  });

  it('admin manages users: list, get, patch with password reset; every change audited', async () => {
    const list = await get('/api/users?role=doctor', admin);
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .users.map((u: { username: string }) => u.username)
        .sort(),
    ).toEqual(['dr.jallow', 'dr.totp']);
    const one = await get(`/api/users/${ids['r.sowe']}`, admin);
    expect(one.json().user).toMatchObject({ username: 'r.sowe', role: 'receptionist' });
    expect((await get('/api/users/0191a2b3-0000-7000-8000-000000000000', admin)).statusCode).toBe(404);

    const auditBefore = await countRows(s.audit_log);
    const session = tokensOf(await login('r.sowe'));
    const patch = await call(
      'PATCH',
      `/api/users/${ids['r.sowe']}`,
      { first_name: 'Rohey', password: 'a brand new password' },
      admin,
    );
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json().user.first_name).toBe('Rohey');
    expect((await get('/api/auth/me', session.access)).statusCode).toBe(401);
    expect((await login('r.sowe')).statusCode).toBe(401);
    // A reset password is the admin's: she replaces it as she signs in (audited too).
    tokensOf(
      await post('/api/auth/login', {
        username: 'r.sowe',
        password: 'a brand new password',
        new_password: 'rohey picks her own',
      }),
    );
    // Her two sign-ins, the reset, and her own new password.
    expect(await countRows(s.audit_log)).toBe(auditBefore + 4);
    const [audit] = await database.db
      .select()
      .from(s.audit_log)
      .where(eq(s.audit_log.object_id, ids['r.sowe'] ?? ''));
    expect(JSON.stringify(audit?.details)).not.toContain('a brand new password');
    await call('PATCH', `/api/users/${ids['r.sowe']}`, { password: PASSWORD }, admin);
    // The tests below sign in as her with the usual password: as if she had chosen it herself.
    await database.db
      .update(s.user_credentials)
      .set({ must_change_password: false })
      .where(eq(s.user_credentials.user_id, ids['r.sowe'] ?? ''));

    // The last active admin cannot be disabled or demoted.
    const self = (await get('/api/auth/me', admin)).json().user.id as string;
    expect((await call('PATCH', `/api/users/${self}`, { is_active: false }, admin)).statusCode).toBe(409);
    expect((await call('PATCH', `/api/users/${self}`, { role: 'nurse' }, admin)).statusCode).toBe(409);
    expect((await post('/api/users', { ...newUserBody('dr.jallow') }, admin)).statusCode).toBe(409);
    expect((await post('/api/users', { ...newUserBody('DR.Jallow') }, admin)).statusCode).toBe(409);
    const sameMail = { ...newUserBody('other.jallow'), email: 'Jallow@Example.gm' };
    expect((await post('/api/users', sameMail, admin)).statusCode).toBe(409);
  });

  it('role-change requests: create, list own / all, approve, reject, direct assign', async () => {
    const nurse = tokensOf(await login('n.ceesay')).access;
    const recep = tokensOf(await login('r.sowe')).access;

    const created = await post(
      '/api/role-change-requests',
      { role: 'doctor', reason: 'qualified as MD' },
      nurse,
    );
    expect(created.statusCode, created.body).toBe(201);
    const req1 = created.json().request as { id: string; status: string; requested_role: string };
    expect(req1).toMatchObject({ status: 'pending', requested_role: 'doctor', user_id: ids['n.ceesay'] });
    expect(
      (await post('/api/role-change-requests', { role: 'admin', reason: 'again' }, nurse)).statusCode,
    ).toBe(409);
    expect(
      (await post('/api/role-change-requests', { role: 'receptionist', reason: 'same role' }, recep))
        .statusCode,
    ).toBe(409);
    const req2 = (
      await post('/api/role-change-requests', { role: 'pharmacist', reason: 'moving' }, recep)
    ).json().request as { id: string };

    const own = (await get('/api/role-change-requests', nurse)).json().requests as { id: string }[];
    expect(own.map((r) => r.id)).toEqual([req1.id]);
    expect((await get(`/api/role-change-requests/${req2.id}`, nurse)).statusCode).toBe(404);
    const all = (await get('/api/role-change-requests', admin)).json().requests as { id: string }[];
    expect(all.map((r) => r.id).sort()).toEqual([req1.id, req2.id].sort());
    expect((await get('/api/role-change-requests?status=pending', admin)).json().requests).toHaveLength(2);

    const approved = await post(
      `/api/role-change-requests/${req1.id}/approve`,
      { review_notes: 'certificate seen' },
      admin,
    );
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().request).toMatchObject({ status: 'approved', review_notes: 'certificate seen' });
    expect((await get('/api/auth/me', nurse)).json().user.role).toBe('doctor');
    expect((await post(`/api/role-change-requests/${req1.id}/approve`, {}, admin)).statusCode).toBe(409);

    const noNotes = await post(`/api/role-change-requests/${req2.id}/reject`, {}, admin);
    expect(noNotes.statusCode).toBe(400);
    expect(noNotes.json().issues[0]).toMatchObject({ field: 'review_notes', rule: 'required' });
    const rejected = await post(
      `/api/role-change-requests/${req2.id}/reject`,
      { review_notes: 'not now' },
      admin,
    );
    expect(rejected.json().request.status).toBe('rejected');
    expect((await get('/api/auth/me', recep)).json().user.role).toBe('receptionist');

    const assigned = await post(
      '/api/role-change-requests/assign-role',
      { user_id: ids['n.ceesay'], role: 'nurse' },
      admin,
    );
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().user.role).toBe('nurse');
    const trail = await database.db
      .select({ description: s.audit_log.description })
      .from(s.audit_log)
      .where(eq(s.audit_log.object_id, ids['n.ceesay'] ?? ''));
    expect(trail.map((r) => r.description)).toEqual(
      expect.arrayContaining([`approved role-change request ${req1.id}`, 'assigned role']),
    );
  });

  it('validation: 400 naming field and rule, nothing written', async () => {
    const usersBefore = await countRows(s.users);
    const auditBefore = await countRows(s.audit_log);
    const bad = await post(
      '/api/users',
      {
        username: 'ok.name',
        email: 'not-an-email',
        last_name: 'X',
        role: 'wizard',
        password: 'short',
        extra: 1,
      },
      admin,
    );
    expect(bad.statusCode).toBe(400);
    const body = bad.json() as { error: string; issues: { field: string; rule: string; message: string }[] };
    expect(body.error).toBe('validation');
    const fields = Object.fromEntries(body.issues.map((i) => [i.field, i.rule]));
    expect(fields).toMatchObject({
      email: 'email',
      first_name: 'required',
      role: 'invalid_value',
      password: 'too_small',
      extra: 'unknown_key',
    });
    expect(await countRows(s.users)).toBe(usersBefore);
    expect(await countRows(s.audit_log)).toBe(auditBefore);

    const extraKey = await post('/api/auth/login', { username: 'admin', password: 'x', admin: true });
    expect(extraKey.json().issues).toEqual([
      expect.objectContaining({ field: 'admin', rule: 'unknown_key' }),
    ]);
    const badId = await get('/api/users/not-a-uuid', admin);
    expect(badId.statusCode).toBe(400);
    expect(badId.json().issues[0].field).toBe('id');

    const proto = await app.inject({
      method: 'POST',
      url: '/api/role-change-requests',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      payload: '{"role":"doctor","reason":"x","__proto__":{"role":"admin"}}',
    });
    expect(proto.statusCode).toBe(400);
    const broken = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error).toBe('invalid_json');
    const huge = await post('/api/auth/login', { username: 'admin', password: 'x'.repeat(1_100_000) });
    expect(huge.statusCode).toBe(413);
    expect(await countRows(s.role_change_requests)).toBe(2);
  });

  it('errors never leak internals', async () => {
    const res = await get('/api/test/boom');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: 'internal',
      message: 'internal error',
      request_id: expect.any(String),
    });
    expect(res.body).not.toContain('secret internals');
    const missing = await get('/api/nothing-here');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'not_found' });
  });

  it('the audit log is a hash chain that survives concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        database.db.transaction((tx) =>
          appendAudit(tx, { action: 'read', object_type: 'patients', object_id: `p${i}`, details: { i } }),
        ),
      ),
    );
    expect(await verifyAuditChain(database.db)).toBeNull();
    const seqs = (await database.db.select({ seq: s.audit_log.seq }).from(s.audit_log)).map((r) => r.seq);
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    // Nobody changes or removes a row, through the app or with plain SQL.
    await expect(
      database.db.update(s.audit_log).set({ description: 'rewritten history' }).where(eq(s.audit_log.seq, 2)),
    ).rejects.toThrow();
    await expect(database.query('DELETE FROM audit_log WHERE seq = 2')).rejects.toThrow();
    await expect(database.query('TRUNCATE audit_log')).rejects.toThrow();

    // Someone with the rights to lift the trigger deletes the newest rows: the checkpointed head is missed.
    const lift = () => database.exec('ALTER TABLE audit_log DISABLE TRIGGER hms_audit_append_only');
    const head = seqs.length;
    await lift();
    await database.query('DELETE FROM audit_log WHERE seq > $1', [head - 2]);
    expect(await verifyAuditChain(database.db)).toBe(head);

    // …or rewrites a row and re-hashes everything after it the way an unkeyed chain would: the seal
    // (an HMAC under a key outside the database) cannot be redone, and an unsealed row after sealed
    // ones is refused.
    const rows = await database.db.select().from(s.audit_log).orderBy(s.audit_log.seq);
    let prev: string | null = rows[0]?.hash ?? null;
    for (const r of rows.slice(1)) {
      const { hash: _h, prev_hash: _p, ...rest } = r;
      const body = { ...rest, description: r.seq === 2 ? 'rewritten history' : r.description };
      const hash = auditHash(prev, body as Parameters<typeof auditHash>[1]);
      await database.db
        .update(s.audit_log)
        .set({ description: body.description, prev_hash: prev, hash })
        .where(eq(s.audit_log.seq, r.seq));
      prev = hash;
    }
    expect(await verifyAuditChain(database.db)).toBe(2);
  });
});

function newUserBody(username: string) {
  return { username, first_name: 'Dup', last_name: 'Licate', role: 'nurse', password: PASSWORD };
}
