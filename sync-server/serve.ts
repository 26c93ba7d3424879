/**
 * Starting the sync server, for `npm run server` (cli.ts) and `npm start` (with a demo workstation).
 *
 * Reads the configuration from the environment (see `config.ts`), opens the database (real Postgres
 * with `DATABASE_URL`, otherwise the embedded one under `HMS_DATA_DIR/server`), runs migrations,
 * creates the roles and the first admin, and listens. `demo` fills an empty database with the
 * synthetic demo hospital. SIGTERM/SIGINT close the server and the database cleanly.
 */
import { demoLogins } from '../db/seed/generate.ts';
import { bootstrap } from './admin/bootstrap.ts';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { type Database, openDatabase } from './platform/database.ts';
import { SeedRefusedError, seedDemo } from './seed.ts';

async function maybeSeedDemo(database: Database): Promise<void> {
  const [row] = await database.query<{ n: number }>('select count(*)::int as n from patients');
  if ((row?.n ?? 0) > 0) {
    console.log('Demo data: the database already has patients; not seeding.');
    return;
  }
  console.log('Demo data: seeding the demo hospital…');
  try {
    const summary = await seedDemo(database);
    console.log(
      `Demo data: ${summary.patients} patients, ${summary.totalRows} rows in ${(summary.elapsedMs / 1000).toFixed(1)} s.`,
    );
    for (const login of demoLogins(summary.patients)) {
      const first = login.usernames[0];
      if (first) console.log(`  demo log-in (${login.role}): ${first} / ${login.password}`);
    }
  } catch (error) {
    if (!(error instanceof SeedRefusedError)) throw error;
    console.log(`Demo data: not seeding (${error.message}).`);
  }
}

/** A running server, as `npm run server` and `npm start` (with its demo workstation) hold it. */
export interface RunningServer {
  url: string;
  app: Awaited<ReturnType<typeof buildApp>>;
  database: Database;
  /** Set on the very first start only, when the admin's password was generated (printed once). */
  generatedAdminPassword: string | null;
}

/** Opens the database, bootstraps, seeds the demo hospital when asked, and listens. */
export async function startServer(opts: { demo: boolean }): Promise<RunningServer> {
  const config = loadConfig();
  const database = await openDatabase(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.embeddedDbDir },
  );
  const first = await bootstrap(database, config);
  if (first.generatedAdminPassword) {
    console.log(
      [
        '',
        '  First start: created the admin user.',
        '    user name: admin',
        `    password:  ${first.generatedAdminPassword}`,
        '  This password is shown only once. Set HMS_ADMIN_PASSWORD to choose it instead.',
        '',
      ].join('\n'),
    );
  } else if (first.adminCreated) {
    console.log('First start: created the admin user (password from HMS_ADMIN_PASSWORD).');
  }
  if (opts.demo) await maybeSeedDemo(database);

  const app = await buildApp({ database, config });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const where = config.databaseUrl ? 'postgres' : `embedded at ${config.embeddedDbDir}`;
  const url = `${config.tls ? 'https' : 'http'}://${config.host}:${port}`;
  console.log(`HMS sync server listening on ${url} (database: ${where})`);
  return { url, app, database, generatedAdminPassword: first.generatedAdminPassword ?? null };
}

/** Closes the server and its database on SIGTERM/SIGINT (after `before`, e.g. a workstation's drain). */
export function closeOnSignals(server: RunningServer, before: () => Promise<void> = async () => {}): void {
  const { app, database } = server;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: shutting down…`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await before();
      await app.close();
      await database.close();
      process.exit(0);
    } catch (error) {
      console.error('shutdown failed:', error instanceof Error ? error.message : error);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** Exits with a sentence, not a stack, when the server cannot start. */
export function failedToStart(error: unknown): never {
  if (error instanceof ConfigError) console.error(error.message);
  else {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    console.error('HMS sync server failed to start:', error instanceof Error ? error.message : error, cause);
  }
  process.exit(1);
}
