/**
 * Enrolment and authoring grants.
 *
 * An admin registers a PC (name, kind, ward) and gets a one-time enrolment code
 * (`admin-routes.ts`); the PC exchanges the code for its long-lived device token here, then asks
 * for its scope.
 *
 * Authoring grants: when a user logs in online on an enrolled PC, the PC asks for a grant bound to
 * (user, workstation). Mutations made later, even offline, carry the author's grant; the server
 * checks it at apply time together with the user's current role.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { sha256Hex } from '../../../db/primitives/index.ts';
import * as s from '../../../db/schema/pg.ts';
import { EnrollRequestSchema, SYNC_SCHEMA_VERSION } from '../../../db/sync-contract.ts';
import { appendAudit } from '../../auth/audit.ts';
import { clientInfo, currentUser, requireUser } from '../../auth/guard.ts';
import { HttpError, parseBody } from '../../http/errors.ts';
import { tablesFor } from '../scopes.ts';
import { requireWorkstation, revokedOrUnknown, workstationForToken } from './device-auth.ts';
import { usedSequences } from './numbering.ts';

/** Enrolment codes avoid look-alike characters (0/O, 1/I/L): they are read aloud and typed by IT. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
function enrollmentCode(): string {
  const bytes = randomBytes(8);
  const chars = Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}
const normalizeCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** How a code is stored: hashed, and read the same whatever its case or dashes. */
export const enrollmentCodeHash = (code: string) => sha256Hex(normalizeCode(code));

const ENROLLMENT_TTL_MS = 24 * 60 * 60 * 1000;

/** A fresh one-time enrolment code (shown once to the admin), the hash to store, and its expiry. */
export function newEnrollment(now: Date): { code: string; codeHash: string; expiresAt: string } {
  const code = enrollmentCode();
  return {
    code,
    codeHash: enrollmentCodeHash(code),
    expiresAt: new Date(now.getTime() + ENROLLMENT_TTL_MS).toISOString(),
  };
}

export const enrolmentRoutes: FastifyPluginAsync = async (app) => {
  const { database, now } = app.hms;
  const db = database.db;

  app.post('/api/workstations/enroll', async (request) => {
    const { code } = parseBody(EnrollRequestSchema, request);
    const token = randomBytes(32).toString('base64url');
    const at = now();
    const enrolled = await db.transaction(async (tx) => {
      const [ws] = await tx
        .select()
        .from(s.workstations)
        .where(eq(s.workstations.enrollment_code_hash, enrollmentCodeHash(code)))
        .for('update');
      if (!ws?.enrollment_expires_at || new Date(ws.enrollment_expires_at) < at) {
        throw new HttpError(
          400,
          'invalid_enrollment_code',
          'this enrolment code is unknown, used or expired',
        );
      }
      await tx
        .update(s.workstations)
        .set({
          token_hash: sha256Hex(token),
          enrollment_code_hash: null,
          enrollment_expires_at: null,
          enrolled_at: at.toISOString(),
          revoked_at: null,
          last_seen_at: at.toISOString(),
        })
        .where(eq(s.workstations.id, ws.id));
      await appendAudit(tx, {
        action: 'admin',
        object_type: 'workstations',
        object_id: ws.id,
        workstation_id: ws.id,
        description: 'workstation enrolled',
        ip_address: clientInfo(request).ip,
      });
      return ws;
    });
    return {
      workstation_id: enrolled.id,
      token,
      code: enrolled.code,
      kind: enrolled.kind,
      sequences: await usedSequences(db, enrolled.code),
    };
  });

  app.get('/api/sync/scope', async (request) => {
    const ws = await requireWorkstation(request);
    return {
      workstation_id: ws.id,
      kind: ws.kind,
      ward_id: ws.ward_id,
      code: ws.code,
      tables: tablesFor(ws.kind),
      schema_version: SYNC_SCHEMA_VERSION,
    };
  });

  app.post('/api/sync/grants', { preHandler: requireUser() }, async (request) => {
    const user = currentUser(request);
    const header = request.headers['x-workstation-token'];
    const ws = typeof header === 'string' ? await workstationForToken(db, header) : null;
    if (!ws) throw revokedOrUnknown();
    const grant = randomBytes(24).toString('base64url');
    // Earlier grants stay valid: an outbox may still be uploading mutations signed with one. They end
    // with the workstation (revocation) or the user (disabled accounts are refused at apply time).
    await db.transaction(async (tx) => {
      await tx.insert(s.authoring_grants).values({
        user_id: user.id,
        workstation_id: ws.id,
        grant_hash: sha256Hex(grant),
        issued_at: now().toISOString(),
      });
    });
    return { user_id: user.id, grant };
  });
};
