/**
 * The PC's side of workstations: enrolment, its scope, and authoring grants.
 *
 * An admin registers a PC (name, kind, ward) and gets a one-time enrolment code
 * (`admin-routes.ts`, `enrolment-codes.ts`); the PC exchanges the code for its long-lived device
 * token here (`POST /api/workstations/enroll`), then asks for its scope (`GET /api/sync/scope`).
 *
 * Authoring grants: when a user logs in online on an enrolled PC, the PC asks for a grant bound to
 * (user, workstation). Mutations made later, even offline, carry the author's grant; the server
 * checks it at apply time together with the user's current role.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { quoteIdent, sha256Hex } from '../../../db/primitives/index.ts';
import * as s from '../../../db/schema/pg.ts';
import { APP_VERSION_HEADER, EnrollRequestSchema, SYNC_SCHEMA_VERSION } from '../../../db/sync-contract.ts';
import { appendAudit } from '../../auth/audit.ts';
import { clientInfo, currentUser, requireUser } from '../../auth/guard.ts';
import { decryptTotpSecret } from '../../auth/totp.ts';
import { HttpError, parseBody } from '../../http/errors.ts';
import { authRateLimit, SMALL_BODY } from '../../http/rate-limit.ts';
import type { Database } from '../../platform/database.ts';
import { bindPredicate, ruleFor, tablesFor, type WorkstationScope } from '../scopes.ts';
import { requireWorkstation, revokedOrUnknown, workstationForToken } from './device-auth.ts';
import { enrolmentCodeHash } from './enrolment-codes.ts';
import { usedSequences } from './numbering.ts';
import { appVersionOf, ReportedColumn } from './reported.ts';

export const deviceRoutes: FastifyPluginAsync = async (app) => {
  const { database, now } = app.hms;
  const db = database.db;
  const appVersions = new ReportedColumn<string>(database, 'app_version');

  app.post(
    '/api/workstations/enroll',
    { config: authRateLimit(app.hms.config), bodyLimit: SMALL_BODY },
    async (request) => {
      const { code } = parseBody(EnrollRequestSchema, request);
      const token = randomBytes(32).toString('base64url');
      const at = now();
      const enrolled = await db.transaction(async (tx) => {
        const [ws] = await tx
          .select()
          .from(s.workstations)
          .where(eq(s.workstations.enrollment_code_hash, enrolmentCodeHash(code)))
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
    },
  );

  app.get<{ Querystring: { rows?: string } }>('/api/sync/scope', async (request) => {
    const ws = await requireWorkstation(request);
    const version = appVersionOf(request.headers[APP_VERSION_HEADER]);
    if (version) await appVersions.note(ws.id, version);
    const tables = tablesFor(ws.kind);
    return {
      workstation_id: ws.id,
      kind: ws.kind,
      ward_id: ws.ward_id,
      code: ws.code,
      tables,
      schema_version: SYNC_SCHEMA_VERSION,
      // Asked once by a PC starting its first download, for its progress bar (counting every table
      // on each 3-second heartbeat of every PC would be a load for nothing).
      ...(request.query.rows === '1' ? { rows: await scopeRowCounts(database, ws, tables) } : {}),
    };
  });

  app.post('/api/sync/grants', { onRequest: requireUser() }, async (request) => {
    const user = currentUser(request);
    const header = request.headers['x-workstation-token'];
    const ws = typeof header === 'string' ? await workstationForToken(db, header, now()) : null;
    if (!ws) throw revokedOrUnknown();
    const grant = randomBytes(24).toString('base64url');
    // Earlier grants stay valid: an outbox may still be uploading mutations signed with one. They end
    // with the workstation (revocation), an admin's password reset or disabling, or by age
    // (sync/mutations/authors.ts).
    const [cred] = await db
      .select({ enabled: s.user_credentials.totp_enabled, enc: s.user_credentials.totp_secret_enc })
      .from(s.user_credentials)
      .where(eq(s.user_credentials.user_id, user.id));
    await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(s.authoring_grants)
        .values({
          user_id: user.id,
          workstation_id: ws.id,
          grant_hash: sha256Hex(grant),
          issued_at: now().toISOString(),
        })
        .returning({ id: s.authoring_grants.id });
      await appendAudit(tx, {
        action: 'create',
        object_type: 'authoring_grants',
        object_id: row?.id ?? null,
        user_id: user.id,
        workstation_id: ws.id,
        description: 'authoring grant issued',
        ip_address: clientInfo(request).ip,
      });
    });
    // A 2FA user's secret goes to the PC they signed in at, so an offline sign-in there still asks
    // for the code (stored wrapped under their password: main/core/offline-totp.ts).
    const totp =
      cred?.enabled && cred.enc ? decryptTotpSecret(app.hms.keys.totpKey, cred.enc, user.id) : undefined;
    return { user_id: user.id, grant, ...(totp ? { totp_secret: totp } : {}) };
  });
};

/** The rows of each table a workstation holds, by the same predicate its shapes are read with. */
async function scopeRowCounts(
  database: Database,
  ws: WorkstationScope,
  tables: readonly string[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const rule = ruleFor(ws.kind, table);
    if (!rule) continue;
    const where = bindPredicate(rule.where, ws, { r: 'r' }, 1);
    const [row] = await database.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${quoteIdent(table)} r WHERE ${where.sql}`,
      where.params,
    );
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}
