/** `/api/auth/*`: login, refresh, logout, me, and TOTP enrolment. */
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import * as s from '../../db/schema/pg.ts';
import { HttpError, parseBody } from '../http/errors.ts';
import { authRateLimit, SMALL_BODY } from '../http/rate-limit.ts';
import { bearerToken, clientInfo, currentUser, requireUser } from './guard.ts';
import { profileOf, selectProfiles } from './service.ts';

const login = z.string().trim().min(1).max(200);
const password = z.string().min(1).max(1024);
const otp = z.string().regex(/^\d{6}$/, 'must be 6 digits');

const LoginBody = z
  .strictObject({
    username: login.optional(),
    email: login.optional(),
    password,
    otp: otp.optional(),
    /** Required when an admin reset the password: the user's own, replacing it as they sign in. */
    new_password: z.string().max(256).optional(),
  })
  .refine((b) => (b.username === undefined) !== (b.email === undefined), {
    message: 'give either username or email',
    path: ['username'],
  });
const RefreshBody = z.strictObject({ refresh: z.string().min(16).max(512) });
const LogoutBody = z.strictObject({ refresh: z.string().min(16).max(512).optional() }).optional();
const ConfirmBody = z.strictObject({ otp });
const DisableBody = z.strictObject({ password, otp });
const ChangePasswordBody = z.strictObject({ current_password: password, new_password: z.string().max(256) });
const NoBody = z.strictObject({}).optional();

export const authRoutes: FastifyPluginAsync = async (app) => {
  const auth = app.hms.auth;

  // Anyone may call these before they are anyone: rate-limited, and a body no bigger than a log-in.
  const limited = { config: authRateLimit(app.hms.config), bodyLimit: SMALL_BODY };

  app.post('/api/auth/login', limited, async (request) => {
    const body = parseBody(LoginBody, request);
    const result = await auth.login(
      {
        login: body.username ?? body.email ?? '',
        password: body.password,
        otp: body.otp,
        newPassword: body.new_password,
      },
      clientInfo(request),
    );
    return result;
  });

  app.post('/api/auth/refresh', { bodyLimit: SMALL_BODY }, async (request) => {
    const body = parseBody(RefreshBody, request);
    return auth.refresh(body.refresh, clientInfo(request));
  });

  // Either credential closes the session: the access token, or the refresh token alone (an expired
  // access token must not keep a user from logging out).
  app.post('/api/auth/logout', { bodyLimit: SMALL_BODY }, async (request, reply) => {
    const body = parseBody(LogoutBody, request);
    const token = bearerToken(request);
    const user = token ? await auth.authenticate(token) : null;
    if (token && !user && !body?.refresh)
      throw new HttpError(401, 'unauthorized', 'a valid access token is required');
    const done = await auth.logout(user, body?.refresh, clientInfo(request));
    if (!done) throw new HttpError(401, 'unauthorized', 'give a valid access token or refresh token');
    return reply.code(204).send();
  });

  app.get('/api/auth/me', { onRequest: requireUser() }, async (request) => {
    const me = currentUser(request);
    const [row] = await selectProfiles(app.hms.database.db).where(eq(s.users.id, me.id));
    if (!row) throw new HttpError(404, 'not_found');
    return {
      user: profileOf(row),
    };
  });

  app.post('/api/auth/2fa/enroll', { ...limited, onRequest: requireUser() }, async (request) => {
    parseBody(NoBody, request);
    return auth.enrollTotp(currentUser(request), clientInfo(request));
  });

  app.post('/api/auth/2fa/confirm', { ...limited, onRequest: requireUser() }, async (request) => {
    const body = parseBody(ConfirmBody, request);
    await auth.confirmTotp(currentUser(request), body.otp, clientInfo(request));
    return { totp_enabled: true };
  });

  app.post('/api/auth/2fa/disable', { ...limited, onRequest: requireUser() }, async (request) => {
    const body = parseBody(DisableBody, request);
    await auth.disableTotp(currentUser(request), body.password, body.otp, clientInfo(request));
    return { totp_enabled: false };
  });

  // A user changes their own password (the current one is counted like a sign-in guess).
  app.post('/api/auth/password', { ...limited, onRequest: requireUser() }, async (request, reply) => {
    const body = parseBody(ChangePasswordBody, request);
    await auth.changePassword(
      currentUser(request),
      body.current_password,
      body.new_password,
      clientInfo(request),
    );
    return reply.code(204).send();
  });
};
