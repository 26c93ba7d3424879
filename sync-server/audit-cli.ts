/**
 * `npm run audit:verify`: checks the audit trail of the configured database (DATABASE_URL, or the
 * embedded one under HMS_DATA_DIR) with the server's keys (HMS_KEY_DIR): every row's seal, the
 * chain, and the checkpointed head. Prints the result; exits 1 when it does not verify (and tells the
 * admins, as the nightly check does), 2 when it cannot run.
 */
import { loadServerKeys } from './auth/secrets.ts';
import { ConfigError, loadConfig } from './config.ts';
import { checkAuditTrail } from './jobs/audit-check.ts';
import { openDatabase } from './platform/database.ts';

async function main(): Promise<number> {
  const config = loadConfig();
  const database = await openDatabase(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.embeddedDbDir },
  );
  try {
    await loadServerKeys(database.db, config);
    const [{ n } = { n: 0 }] = await database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_log',
    );
    const brokenAt = await checkAuditTrail(database.db);
    if (brokenAt === null) {
      console.log(`audit trail verified: ${n} entries, every seal and the checkpointed head intact`);
      return 0;
    }
    console.log(
      `AUDIT TRAIL BROKEN from entry ${brokenAt} (of ${n}): changed or removed outside the application`,
    );
    return 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(
      e instanceof ConfigError
        ? e.message
        : `audit:verify could not run: ${e instanceof Error ? e.message : e}`,
    );
    process.exit(2);
  },
);
