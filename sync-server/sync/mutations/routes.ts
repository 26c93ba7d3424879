/**
 * `POST /api/sync/mutations`: a workstation uploads a batch of its outbox. The route authenticates
 * the device, refuses a stale sync schema, and retries a batch the database could not take for
 * reasons of its own; `MutationApplier` decides and writes.
 */
import type { FastifyPluginAsync } from 'fastify';
import { MutationBatchSchema, type MutationResult, SYNC_SCHEMA_VERSION } from '../../../db/sync-contract.ts';
import { HttpError, parseBody } from '../../http/errors.ts';
import type { Database } from '../../platform/database.ts';
import { Gate } from '../../platform/gate.ts';
import { requireWorkstation } from '../workstations/device-auth.ts';
import { ReportedColumn } from '../workstations/reported.ts';
import { MutationApplier } from './batch-applier.ts';
import { isTransient } from './conflict-rules.ts';

/**
 * Upload batches holding a connection at once. They queue on the change-log lock anyway (one applies
 * at a time), so more would only take connections from reads, health checks and sign-ins while a
 * lock holds them all up.
 */
const UPLOAD_SLOTS = 3;
/** How long a batch waits for a slot before it is answered 503 (the PC retries with back-off). */
const UPLOAD_QUEUE_WAIT_MS = 2_000;

const busy = () =>
  new HttpError(503, 'busy', 'the database is busy: retry the batch', {}, { 'retry-after': '2' });

/** The batch gave up waiting for a lock or ran past its statement time (Postgres 55P03, 57014). */
function waitedOut(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === '55P03' || code === '57014') return true;
  }
  return false;
}

/** How long a pipelined batch waits for the batch before it (which is normally just ahead in line). */
const PREDECESSOR_WAIT_MS = 5_000;

/**
 * Pipelined batches waiting for the batch before them, by that batch's last mutation id: woken the
 * moment it commits on this server; polled too, so a predecessor applied by another server instance
 * is seen as well.
 */
class Predecessors {
  private readonly waiting = new Map<string, Set<() => void>>();

  /** Whether mutation `id` is applied, waiting up to PREDECESSOR_WAIT_MS for it. */
  async applied(database: Database, id: string, signal: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + PREDECESSOR_WAIT_MS;
    for (let pause = 5; !signal.aborted; pause = Math.min(100, pause * 2)) {
      const rows = await database.query('SELECT 1 FROM applied_mutations WHERE mutation_id = $1', [id]);
      if (rows.length > 0) return true;
      if (Date.now() >= deadline) return false;
      await this.wakeOrSleep(id, Math.min(pause, deadline - Date.now()));
    }
    return false;
  }

  /** A batch ending in mutation `id` committed here. */
  committed(id: string) {
    for (const wake of this.waiting.get(id) ?? []) wake();
    this.waiting.delete(id);
  }

  private wakeOrSleep(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiting.get(id) ?? new Set<() => void>();
      this.waiting.set(id, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.waiting.get(id) === set) this.waiting.delete(id);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }
}

export const mutationRoutes: FastifyPluginAsync = async (app) => {
  const { database, now } = app.hms;
  const applier = new MutationApplier(database.db, now);
  const uploads = new Gate(UPLOAD_SLOTS);
  const predecessors = new Predecessors();
  // For the admin's list; "last seen" is kept by the device-token lookup.
  const schemaVersions = new ReportedColumn<number>(database, 'schema_version');

  app.post(
    '/api/sync/mutations',
    {
      bodyLimit: 8 * 1024 * 1024,
      // The device is known before its (up to 8 MB) body is read: no token, nothing parsed.
      onRequest: async (request) => {
        await requireWorkstation(request);
      },
    },
    async (request, reply) => {
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
      // A client that hangs up (its timeout) ends its batch: rolled back, its statement cancelled.
      const client = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) client.abort();
      });
      let backend: number | null = null;
      const cancel = () => {
        if (backend !== null && database.kind === 'postgres')
          void database.query('SELECT pg_cancel_backend($1)', [backend]).catch(() => {});
      };
      client.signal.addEventListener('abort', cancel, { once: true });
      // A pipelined batch goes after the one before it: wait (outside the slots, holding nothing)
      // until that one is applied.
      if (batch.after && !(await predecessors.applied(database, batch.after, client.signal))) {
        if (client.signal.aborted) throw new HttpError(499, 'client_gone', null);
        throw new HttpError(
          409,
          'out_of_order',
          'the batch sent before this one has not arrived: send again from the oldest write',
        );
      }
      const leave = await uploads.enter(UPLOAD_QUEUE_WAIT_MS, client.signal);
      if (!leave) throw busy();
      let results: MutationResult[] | null = null;
      try {
        for (let attempt = 1; results === null; attempt++) {
          try {
            results = await applier.applyBatch(ws, batch.grants, batch.mutations, request.ip ?? null, {
              signal: client.signal,
              backend: (pid) => {
                backend = pid;
                if (client.signal.aborted) cancel();
              },
            });
          } catch (err) {
            if (client.signal.aborted) throw new HttpError(499, 'client_gone', null);
            // Waited out a lock: say so now, rather than queue again behind the same lock.
            if (waitedOut(err)) throw busy();
            // The batch rolled back whole; a transient failure is retried here, then by the client.
            if (!isTransient(err)) throw err;
            if (attempt >= 3) throw busy();
            await new Promise((r) => setTimeout(r, 20 * attempt));
          } finally {
            // Never cancel a connection back in the pool: it may be running someone else's query.
            backend = null;
          }
        }
      } finally {
        leave();
      }
      await schemaVersions.note(ws.id, batch.schema_version);
      const last = batch.mutations.at(-1)?.id;
      if (last) predecessors.committed(last);
      return { results };
    },
  );
};
