/**
 * A headless workstation in a child process, for kill -9 tests. Configured by `HMS_RUNNER` (JSON):
 * `{server, dataDir, key, code?, user, password, mode, prefix?}`.
 * - mode `write`: logs in, then inserts patients in a loop; after each committed insert prints
 *   `W <row id> <mrn>` (stdout to a pipe is synchronous on Linux: a printed line is a committed write).
 * - mode `sync`: prints `N <local patient count>` every few milliseconds while the shapes sync.
 * Prints `READY` once started. Never exits by itself: the test kills it.
 */
import { join } from 'node:path';
import { createLogger } from '../../main/core/logger.ts';
import { openLocalDatabase } from '../../main/core/store/local-db.ts';
import { startWorkstation } from '../../main/core/workstation.ts';

interface RunnerConfig {
  server: string;
  dataDir: string;
  key: string;
  code?: string;
  user: string;
  password: string;
  mode: 'write' | 'sync';
  prefix?: string;
}

const cfg = JSON.parse(process.env.HMS_RUNNER ?? '{}') as RunnerConfig;
const out = (line: string) => process.stdout.write(`${line}\n`);

const ws = await startWorkstation({
  server: cfg.server,
  dataDir: cfg.dataDir,
  key: cfg.key,
  ...(cfg.code ? { enrollmentCode: cfg.code } : {}),
  ...(process.env.HMS_TEST_LOG ? { log: createLogger('debug') } : {}),
});

if (cfg.mode === 'sync') {
  // A second connection to the file: the core hands out no SQL handle.
  const count = openLocalDatabase({ path: join(cfg.dataDir, 'workstation.db'), key: cfg.key }).sqlite.prepare(
    'SELECT COUNT(*) AS n FROM patients',
  );
  out('READY');
  setInterval(() => out(`N ${(count.get() as { n: number }).n}`), 5);
} else {
  const login = await ws.session.login(cfg.user, cfg.password);
  if (!login.ok) {
    process.stderr.write(`login failed: ${JSON.stringify(login.error)}\n`);
    process.exit(3);
  }
  out('READY');
  for (let i = 0; ; i++) {
    const mrn = `${cfg.prefix ?? 'K'}-${i}`;
    const r = ws.writes.insert('patients', {
      mrn,
      first_name: 'Fatou',
      last_name: 'Jallow',
      date_of_birth: '1990-01-01',
      gender: 'female',
    });
    if (!r.ok) {
      process.stderr.write(`write refused: ${JSON.stringify(r.error)}\n`);
      process.exit(4);
    }
    out(`W ${String(r.value.id)} ${mrn}`);
    // Let the uploader and shape streams run between writes, as a UI would.
    await new Promise((res) => setTimeout(res, i % 5 === 0 ? 2 : 0));
  }
}
