/**
 * `npm run restore -- <backup file>`: restores a nightly backup into the configured database, which
 * must be empty (a new DATABASE_URL database, or a new HMS_DATA_DIR for the embedded one). Then
 * start the server on it as usual. Exits 1 when it refuses or fails, saying why.
 */
import { ConfigError, loadConfig } from './config.ts';
import { RestoreError, restoreBackup } from './jobs/restore.ts';

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file || process.argv.length > 3) {
    console.error('usage: npm run restore -- <backup file>');
    return 2;
  }
  const config = loadConfig();
  await restoreBackup(
    file,
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.embeddedDbDir },
  );
  console.log(
    `restored ${file} into ${config.databaseUrl ? 'the database at DATABASE_URL' : config.embeddedDbDir}`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(
      e instanceof ConfigError || e instanceof RestoreError
        ? e.message
        : `restore failed: ${e instanceof Error ? e.message : String(e)}`,
    );
    process.exit(1);
  },
);
