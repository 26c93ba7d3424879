/**
 * `npm start`, the product's front door: the sync server on the embedded database with the demo
 * hospital, and a demo workstation in browser mode against it (an admin-kind PC, so every demo role
 * can sign in on it). Prints the address to open and the demo log-ins. Second starts reuse both.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { demoLogins } from '../db/seed/generate.ts';
import { startBrowserMode } from '../main/browser/server.ts';
import { WorkstationHost } from '../main/core/host.ts';
import { loadOrCreateKeyFile } from '../main/core/key-file.ts';
import { closeOnSignals, failedToStart, startServer } from '../sync-server/serve.ts';
import { demoRefusal } from './demo-guard.ts';

const DATA = resolve(process.env.HMS_DATA_DIR ?? 'data');
const WORKSTATION_DIR = join(DATA, 'demo-workstation');
const PORT = Number(process.env.HMS_APP_PORT ?? 5174);

/** A one-time enrolment code for the demo PC, asked of the server as its admin would. */
async function demoEnrolmentCode(server: Awaited<ReturnType<typeof startServer>>): Promise<string> {
  const password = server.generatedAdminPassword ?? process.env.HMS_ADMIN_PASSWORD;
  if (!password)
    throw new Error(
      'the demo workstation is not enrolled and the admin password is unknown: set HMS_ADMIN_PASSWORD, or delete ./data to start afresh',
    );
  const login = await server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'admin', password },
  });
  if (login.statusCode !== 200) throw new Error(`admin log-in for the demo PC failed (${login.statusCode})`);
  const created = await server.app.inject({
    method: 'POST',
    url: '/api/workstations',
    headers: { authorization: `Bearer ${login.json<{ access: string }>().access}` },
    payload: { name: 'Demo desk', kind: 'admin' },
  });
  if (created.statusCode >= 300) throw new Error(`registering the demo PC failed (${created.statusCode})`);
  return created.json<{ enrollment_code: string }>().enrollment_code;
}

async function main() {
  const refused = demoRefusal(process.env);
  if (refused) {
    process.stderr.write(`${refused}\n`);
    process.exit(2);
  }
  // One request line per sync poll would bury the address to open: warnings only, unless asked.
  process.env.HMS_LOG_LEVEL ??= 'warn';
  const server = await startServer({ demo: true });
  mkdirSync(WORKSTATION_DIR, { recursive: true, mode: 0o700 });
  const enrolled = existsSync(join(WORKSTATION_DIR, 'workstation.db'));
  const host = await WorkstationHost.open({
    server: server.url,
    dataDir: WORKSTATION_DIR,
    key: loadOrCreateKeyFile(WORKSTATION_DIR),
    ...(enrolled ? {} : { enrollmentCode: await demoEnrolmentCode(server) }),
  });
  const ui = await startBrowserMode({
    host,
    staticDir: resolve('renderer/dist'),
    port: PORT,
  });
  closeOnSignals(server, async () => {
    await ui.close();
    await host.stop();
  });
  console.log(
    [
      '',
      '  The demo workstation is ready. Open this address in a browser on this machine:',
      `    ${ui.url}`,
      '  Demo log-ins (user / password):',
      ...demoLogins(500)
        .filter((l) => l.usernames[0])
        .map((l) => `    ${l.role.padEnd(14)} ${l.usernames[0]} / ${l.password}`),
      '  admin          admin / the password printed at first start (or HMS_ADMIN_PASSWORD)',
      '',
    ].join('\n'),
  );
}

main().catch(failedToStart);
