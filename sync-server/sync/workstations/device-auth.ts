/**
 * Device authentication. An enrolled PC holds a long-lived device token; the token decides the sync
 * scope and authenticates shape reads and outbox uploads, with no user logged in. A revoked
 * workstation is refused at once: a request looks the token up (one indexed query) unless it was
 * seen in the last few seconds, and any change to a workstation clears those.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { sha256Hex } from '../../../db/primitives/index.ts';
import * as s from '../../../db/schema/pg.ts';
import { bearerToken } from '../../auth/guard.ts';
import { HttpError } from '../../http/errors.ts';
import type { ServerDb } from '../../platform/database.ts';
import type { WorkstationScope } from '../scopes.ts';

export interface AuthenticatedWorkstation extends WorkstationScope {
  name: string;
  code: string;
}

/**
 * Device tokens seen in the last few seconds. Every shape long-poll and upload authenticates, and
 * twenty PCs × forty shapes is a lot of identical lookups. Revoking, re-scoping or re-enrolling a
 * workstation clears the cache at once, so "a revoked token is refused at once" still holds.
 */
const TOKEN_CACHE_MS = 5_000;
const tokenCache = new Map<string, { ws: AuthenticatedWorkstation; at: number }>();
export const forgetWorkstationTokens = () => tokenCache.clear();

/** The workstation behind a device token, or null (unknown, revoked, never enrolled). */
export async function workstationForToken(
  db: ServerDb,
  token: string,
): Promise<AuthenticatedWorkstation | null> {
  const hash = sha256Hex(token);
  const cached = tokenCache.get(hash);
  if (cached && Date.now() - cached.at < TOKEN_CACHE_MS) return cached.ws;
  const ws = await lookupToken(db, hash);
  if (ws) tokenCache.set(hash, { ws, at: Date.now() });
  else tokenCache.delete(hash);
  return ws;
}

async function lookupToken(db: ServerDb, hash: string): Promise<AuthenticatedWorkstation | null> {
  const [row] = await db
    .select({
      id: s.workstations.id,
      name: s.workstations.name,
      code: s.workstations.code,
      kind: s.workstations.kind,
      ward_id: s.workstations.ward_id,
    })
    .from(s.workstations)
    .where(and(eq(s.workstations.token_hash, hash), isNull(s.workstations.revoked_at)));
  return row ?? null;
}

export const revokedOrUnknown = () =>
  new HttpError(
    401,
    'workstation_unauthorized',
    'this workstation is not enrolled or was revoked',
    {},
    {
      'www-authenticate': 'Bearer',
    },
  );

/** For routes called by a workstation with its device token as the bearer token. */
export async function requireWorkstation(request: FastifyRequest): Promise<AuthenticatedWorkstation> {
  const token = bearerToken(request);
  if (!token) throw revokedOrUnknown();
  const ws = await workstationForToken(request.server.hms.database.db, token);
  if (!ws) throw revokedOrUnknown();
  return ws;
}
