/**
 * `POST /api/sync/mutations`: a workstation uploads a batch of its outbox. The route authenticates
 * the device, refuses a stale sync schema, and retries a batch the database could not take for
 * reasons of its own; `MutationApplier` decides and writes.
 */
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import * as s from '../../../db/schema/pg.ts';
import { MutationBatchSchema, type MutationResult, SYNC_SCHEMA_VERSION } from '../../../db/sync-contract.ts';
import { HttpError, parseBody } from '../../http/errors.ts';
import { requireWorkstation } from '../workstations/device-auth.ts';
import { MutationApplier } from './batch-applier.ts';
import { isTransient } from './conflict-rules.ts';

export const mutationRoutes: FastifyPluginAsync = async (app) => {
  const { database, now } = app.hms;
  const applier = new MutationApplier(database.db, now);

  app.post(
    '/api/sync/mutations',
    {
      bodyLimit: 8 * 1024 * 1024,
      // The device is known before its (up to 8 MB) body is read: no token, nothing parsed.
      onRequest: async (request) => {
        await requireWorkstation(request);
      },
    },
    async (request) => {
      const ws = await requireWorkstation(request);
      const batch = parseBody(MutationBatchSchema, request);
      if (batch.schema_version !== SYNC_SCHEMA_VERSION) {
        // The outbox stays on the workstation until it is updated; nothing is applied from a stale schema.
        throw new HttpError(
          409,
          'schema_version',
          `this workstation must be updated (sync schema ${SYNC_SCHEMA_VERSION})`,
          {
            required: SYNC_SCHEMA_VERSION,
          },
        );
      }
      let results: MutationResult[] | null = null;
      for (let attempt = 1; results === null; attempt++) {
        try {
          results = await applier.applyBatch(ws, batch.grants, batch.mutations, request.ip ?? null);
        } catch (err) {
          // The batch rolled back whole; a transient failure is retried here, then by the client.
          if (!isTransient(err)) throw err;
          if (attempt >= 3) throw new HttpError(503, 'busy', 'the database is busy: retry the batch');
          await new Promise((r) => setTimeout(r, 20 * attempt));
        }
      }
      await database.db
        .update(s.workstations)
        .set({ last_seen_at: now().toISOString(), schema_version: batch.schema_version })
        .where(eq(s.workstations.id, ws.id));
      return { results };
    },
  );
};
