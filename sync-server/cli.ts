/** `npm run server` (`tsx sync-server/cli.ts [--demo]`): the sync server alone (see serve.ts). */
import { closeOnSignals, failedToStart, startServer } from './serve.ts';

startServer({ demo: process.argv.includes('--demo') }).then(
  (server) => closeOnSignals(server),
  failedToStart,
);
