/**
 * Route guards for every plugin of the server:
 *
 * ```ts
 * app.get('/api/things', { onRequest: requireUser() }, async (request) => currentUser(request).id);
 * app.post('/api/admin-thing', { onRequest: requireUser(['admin']) }, handler);
 * ```
 *
 * Guards run `onRequest`, before the body is read: a caller without a valid token never gets a
 * megabyte of JSON parsed on its behalf.
 *
 * The bearer token is verified and the user reloaded on every request, so a disabled user, a closed
 * session or a changed role takes effect at once.
 */
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { RoleName } from '../../db/schema/accounts.ts';
import { HttpError } from '../http/errors.ts';
import type { AuthUser, ClientInfo } from './service.ts';

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}

const unauthorized = () =>
  new HttpError(
    401,
    'unauthorized',
    'a valid access token is required',
    {},
    { 'www-authenticate': 'Bearer' },
  );

/** An onRequest hook admitting any logged-in user, or only the given roles (403 for the others). */
export function requireUser(roles?: readonly RoleName[]): onRequestAsyncHookHandler {
  return async (request) => {
    const token = bearerToken(request);
    if (!token) throw unauthorized();
    const user = await request.server.hms.auth.authenticate(token);
    if (!user) throw unauthorized();
    if (roles && !roles.includes(user.role)) {
      throw new HttpError(403, 'forbidden', 'your role may not do this');
    }
    request.auth = user;
  };
}

export const requireAdmin = () => requireUser(['admin']);

/** The caller, in a handler behind `requireUser`. */
export function currentUser(request: FastifyRequest): AuthUser {
  if (!request.auth) throw unauthorized();
  return request.auth;
}

export function clientInfo(request: FastifyRequest): ClientInfo {
  const ua = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}
