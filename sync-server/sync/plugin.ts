/**
 * Everything sync adds to the server: workstation enrolment and scope, the shape endpoint (read
 * path) and the mutation endpoint (write path). Register with `buildApp({ plugins: [syncPlugin] })`.
 */
import type { FastifyPluginAsync } from 'fastify';
import { compactChangeLog } from './change-log.ts';
import { mutationRoutes } from './mutations/routes.ts';
import { shapeRoutes } from './shapes/routes.ts';
import { workstationAdminRoutes } from './workstations/admin-routes.ts';
import { enrolmentRoutes } from './workstations/enrolment.ts';

export const syncPlugin: FastifyPluginAsync = async (app) => {
  const { database } = app.hms;

  // Hourly compaction keeps the log to its retention window; it is idempotent, so several server
  // instances running it is harmless. A PC offline for longer than the window re-snapshots (409).
  const retentionMs = app.hms.config.changeLogRetentionDays * 86_400_000;
  const compact = () =>
    compactChangeLog(database, new Date(app.hms.now().getTime() - retentionMs)).catch((err: unknown) =>
      app.log.error({ err }, 'change-log compaction failed'),
    );
  const compaction = setInterval(compact, 60 * 60 * 1000);
  compaction.unref();
  app.addHook('onClose', async () => clearInterval(compaction));

  await app.register(shapeRoutes);
  await app.register(workstationAdminRoutes);
  await app.register(enrolmentRoutes);
  await app.register(mutationRoutes);
};
