/**
 * `npm run seed -- [--patients N] [--seed S] [--reference-date ISO]`
 *
 * Fills the server database with the deterministic demo hospital. The environment is the server's
 * (`config.ts`, validated the same way): `DATABASE_URL` selects a real Postgres; without it the
 * embedded database under `${HMS_DATA_DIR:-./data}/server` is used.
 * Exit codes: 0 done, 1 failed, refused (database not empty) or bad environment, 2 bad command line.
 */
import { parseArgs } from 'node:util';
import { demoLogins } from '../db/seed/generate.ts';
import { bootstrap } from './admin/bootstrap.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './platform/database.ts';
import { SeedRefusedError, seedDemo } from './seed.ts';

const USAGE = `usage: npm run seed -- [--patients N] [--seed S] [--reference-date 2026-11-02T11:00:00Z]
  --patients N        patients to generate (default 500; 200000 for benchmarks)
  --seed S            PRNG seed, a non-negative integer (default 1); same seed, same data
  --reference-date D  the demo hospital's "now" (default 2026-11-02T11:00:00Z, a Monday)
env: DATABASE_URL (real Postgres), else HMS_DATA_DIR (embedded database in <dir>/server, default ./data)`;

function usageError(message: string): never {
  process.stderr.write(`seed: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseNonNegativeInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) usageError(`--${name} must be a non-negative integer, got "${value}"`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n > 10_000_000) usageError(`--${name} is out of range: ${value}`);
  return n;
}

async function main(): Promise<void> {
  let values: {
    patients?: string | undefined;
    seed?: string | undefined;
    'reference-date'?: string | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        patients: { type: 'string' },
        seed: { type: 'string' },
        'reference-date': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    usageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const patients = parseNonNegativeInt('patients', values.patients, 500);
  const seed = parseNonNegativeInt('seed', values.seed, 1);
  const referenceDate = values['reference-date'];
  if (referenceDate !== undefined && Number.isNaN(Date.parse(referenceDate))) {
    usageError(`--reference-date must be an ISO date, got "${referenceDate}"`);
  }

  const config = loadConfig();
  const url = config.databaseUrl;
  const where = url
    ? `Postgres ${new URL(url).host}${new URL(url).pathname}`
    : `embedded database at ${config.embeddedDbDir}`;
  process.stdout.write(`seeding ${patients} patients (seed ${seed}) into ${where}\n`);

  const database = await openDatabase(url ? { url } : { dataDir: config.embeddedDbDir });
  const t0 = performance.now();
  let lastReport = 0;
  try {
    // The server's first-start work (roles, the `admin` user) comes first, exactly as `npm run
    // server` would do it: otherwise the demo's admin2 would stop bootstrap from creating `admin`.
    const first = await bootstrap(database, config);
    if (first.generatedAdminPassword) {
      process.stdout.write(
        `created the server's admin user: admin / ${first.generatedAdminPassword} (shown once)\n`,
      );
    }
    const summary = await seedDemo(database, {
      patients,
      seed,
      ...(referenceDate ? { referenceDate: new Date(referenceDate).toISOString() } : {}),
      onProgress: (rows) => {
        if (process.stdout.isTTY && rows - lastReport >= 250_000) {
          lastReport = rows;
          process.stdout.write(
            `  ${rows.toLocaleString('en')} rows, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
          );
        }
      },
    });
    const width = Math.max(...Object.keys(summary.counts).map((k) => k.length));
    for (const [table, n] of Object.entries(summary.counts)) {
      process.stdout.write(`  ${table.padEnd(width)}  ${String(n).padStart(10)}\n`);
    }
    process.stdout.write(
      `${summary.totalRows.toLocaleString('en')} rows in ${(summary.elapsedMs / 1000).toFixed(1)} s (${summary.bulk ? 'bulk load, keys checked after' : 'keys checked per row'})\n\ndemo log-ins (the server's own "admin" is not touched):\n`,
    );
    for (const login of demoLogins(patients)) {
      const names =
        login.usernames.length > 3
          ? `${login.usernames[0]} … ${login.usernames.at(-1)}`
          : login.usernames.join(', ');
      process.stdout.write(`  ${login.role.padEnd(15)} ${names.padEnd(36)} password: ${login.password}\n`);
    }
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof SeedRefusedError) {
    process.stderr.write(`seed refused: ${err.message}\n`);
  } else if (err instanceof ConfigError) {
    process.stderr.write(`seed: ${err.message}\n`);
  } else {
    // drizzle wraps driver errors in one whose message carries every parameter (a megabyte of JSON
    // here): report the driver's own message.
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    process.stderr.write(`seed failed: ${cause instanceof Error ? cause.message : String(cause)}\n`);
  }
  process.exit(1);
});
