/**
 * Device authentication. An enrolled PC holds a long-lived device token; the token decides the sync
 * scope and authenticates shape reads and outbox uploads, with no user logged in. A revoked
 * workstation is refused at once: a request looks the token up (one indexed query) unless it was
 * seen in the last few seconds, and any change to a workstation clears those. The lookup keeps the
 * PC's "last seen" for the admin's list of workstations.
 */
import { sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { sha256Hex } from '../../../db/primitives/index.ts';
import { bearerToken } from '../../auth/guard.ts';
import { HttpError } from '../../http/errors.ts';
import { rowsOf, type ServerDb } from '../../platform/database.ts';
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

/**
 * How stale `workstations.last_seen_at` may get while a PC is in touch: an admin reads "35 s ago" for
 * a live PC, and a thousand PCs cost about thirty small writes a second, not one per request.
 */
const LAST_SEEN_EVERY_MS = 30_000;

/**
 * The workstation behind a device token, or null (unknown, revoked, never enrolled). Every device
 * request counts as contact: the lookup also moves the PC's "last seen" on when it is stale.
 */
export async function workstationForToken(
  db: ServerDb,
  token: string,
  now: Date = new Date(),
): Promise<AuthenticatedWorkstation | null> {
  const hash = sha256Hex(token);
  const cached = tokenCache.get(hash);
  if (cached && Date.now() - cached.at < TOKEN_CACHE_MS) return cached.ws;
  const ws = await lookupToken(db, hash, now);
  if (ws) tokenCache.set(hash, { ws, at: Date.now() });
  else tokenCache.delete(hash);
  return ws;
}

/** The lookup and the "last seen" write in one statement: no round trip added to any request. */
async function lookupToken(db: ServerDb, hash: string, now: Date): Promise<AuthenticatedWorkstation | null> {
  const at = now.toISOString();
  const stale = new Date(now.getTime() - LAST_SEEN_EVERY_MS).toISOString();
  const [row] = rowsOf<AuthenticatedWorkstation>(
    await db.execute(
      sql`WITH w AS (
            SELECT id, name, code, kind, ward_id, last_seen_at FROM workstations
            WHERE token_hash = ${hash} AND revoked_at IS NULL),
          seen AS (
            UPDATE workstations SET last_seen_at = ${at} FROM w
            WHERE workstations.id = w.id AND (w.last_seen_at IS NULL OR w.last_seen_at < ${stale})
            RETURNING 1)
          SELECT id::text AS id, name, code, kind, ward_id::text AS ward_id FROM w`,
    ),
  );
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
  const { database, now } = request.server.hms;
  const ws = await workstationForToken(database.db, token, now());
  if (!ws) throw revokedOrUnknown();
  return ws;
}
