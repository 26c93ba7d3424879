/**
 * The workstation without Electron: `npm run workstation -- --data <dir> [--server <url>] [--port <p>]`
 * serves the app on 127.0.0.1 (browser mode) and prints its address; `--headless` runs sync alone.
 * Prints status lines (never patient data); stops gracefully on SIGTERM/SIGINT. Bad flags exit 2.
 * The entry point reads the environment (`HMS_DB_KEY`, `HMS_ENROLLMENT_CODE`, `HMS_LOG_LEVEL`) and
 * hands the core its key, code and logger; the core reads none of it.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WorkstationHost } from '../core/host.ts';
import { hasPassphrase, keyFromPassphrase, loadOrCreateKeyFile } from '../core/key-file.ts';
import { createLogger, type LogLevel } from '../core/logger.ts';
import { checkServerUrl } from '../core/server-link.ts';
import { moveAsideDamaged } from '../core/store/salvage.ts';
import type { WorkstationStatus } from '../core/workstation.ts';
import { type BrowserMode, startBrowserMode } from './server.ts';

const RENDERER = fileURLToPath(new URL('../../renderer/dist', import.meta.url));

const USAGE = `usage: npm run workstation -- --data <dir> [--server <url>] [--enroll <code>] [--port <p> | --headless]
  --data     directory for the encrypted local database
  --server   base URL of the sync server (http or https); remembered after enrolment
  --enroll   one-time enrolment code (first run; or env HMS_ENROLLMENT_CODE); else the app asks
  --port     browser mode: serve the app on 127.0.0.1:<port> (default 5174; 0 picks one)
  --headless sync only, no app (needs an enrolled PC or --server and --enroll)
  --passphrase  the database key comes from a passphrase typed in the app (never written to disk)
  --ca       the hospital CA's PEM file, trusted for the sync server's https:// address
  --insecure allow plain http:// to a server on another machine (passwords would cross the LAN in clear)
  --recover  the local database is damaged: move it aside (kept in <data>/damaged-<time>/ with a
             report) and start a fresh one holding this PC's enrolment, sign-ins and unsent work;
             the next start downloads the rest again
  env HMS_DB_KEY sets the database key; else env HMS_DB_KEY_FILE names the key file (kept off the
      data folder, e.g. on a separate volume, a copy of the folder alone cannot be opened);
      otherwise one is generated in <data>/db.key
  env HMS_LOG_LEVEL: debug, info, warn (default), error or silent (JSON lines on stderr)`;

function die(message: string, code = 2): never {
  process.stderr.write(`workstation: ${message}\n${code === 2 ? `${USAGE}\n` : ''}`);
  process.exit(code);
}

function parse() {
  try {
    const { values, positionals } = parseArgs({
      options: {
        headless: { type: 'boolean', default: false },
        passphrase: { type: 'boolean', default: false },
        port: { type: 'string', default: '5174' },
        server: { type: 'string' },
        data: { type: 'string' },
        enroll: { type: 'string' },
        ca: { type: 'string' },
        insecure: { type: 'boolean', default: false },
        recover: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (positionals.length) die(`unexpected argument ${String(positionals[0])}`);
    if (!values.data) die('--data is required');
    if (values.server !== undefined) {
      const checked = checkServerUrl(values.server, values.insecure);
      if (!checked.ok) die(checked.error.message);
    }
    if (values.ca !== undefined && !existsSync(values.ca)) die(`--ca: no such file ${values.ca}`);
    if (values.passphrase && values.headless)
      die('--passphrase needs the app to type it in: leave out --headless');
    if (values.recover && values.passphrase)
      die('--recover needs the key from HMS_DB_KEY or the key file, not a passphrase');
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) die(`--port is not a port: ${values.port}`);
    return {
      server: values.server,
      data: values.data,
      enroll: values.enroll,
      headless: values.headless,
      passphrase: values.passphrase,
      ca: values.ca,
      insecure: values.insecure,
      recover: values.recover,
      port,
    };
  } catch (e) {
    die(e instanceof Error ? e.message : String(e));
  }
}

const line = (s: WorkstationStatus) =>
  `status online=${s.online} pending=${s.outboxPending} last_sync=${s.lastSyncAt ?? '-'} conflicts=${s.openConflicts} ` +
  `quarantined=${s.quarantined} revoked=${s.revoked} update_required=${s.updateRequired} tables=${s.tables.length}` +
  (s.user ? ` user=${s.user.username}` : '');

async function main() {
  const args = parse();
  const log = (l: string) => process.stdout.write(`${new Date().toISOString()} ${l}\n`);
  const level = (process.env.HMS_LOG_LEVEL ?? 'warn') as LogLevel;
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(level))
    die(`HMS_LOG_LEVEL: unknown level ${level}`);
  if (args.recover) {
    try {
      const key =
        process.env.HMS_DB_KEY || loadOrCreateKeyFile(args.data, process.env.HMS_DB_KEY_FILE || undefined);
      const r = moveAsideDamaged({ dataDir: args.data, key });
      log(`damaged database moved to ${r.movedTo} (report: salvage-report.json there)`);
      log(
        `kept: ${Object.entries(r.rows)
          .map(([t, n]) => `${t}=${n}`)
          .join(' ')}; unsent writes queued again: ${r.requeued}; held back: ${r.heldBack.length}` +
          (r.damaged.length ? `; unreadable rows in: ${r.damaged.join(', ')}` : ''),
      );
      log('start the workstation again: it downloads a fresh copy from the server');
      process.exit(0);
    } catch (e) {
      die(e instanceof Error ? e.message : String(e), 1);
    }
  }
  const enrollmentCode = args.enroll ?? process.env.HMS_ENROLLMENT_CODE;
  let host: WorkstationHost;
  try {
    mkdirSync(args.data, { recursive: true, mode: 0o700 });
    host = await WorkstationHost.open({
      ...(args.server ? { server: args.server } : {}),
      dataDir: args.data,
      key: args.passphrase
        ? {
            fromPassphrase: (p) => keyFromPassphrase(args.data, p),
            firstTime: () => !hasPassphrase(args.data),
          }
        : process.env.HMS_DB_KEY || loadOrCreateKeyFile(args.data, process.env.HMS_DB_KEY_FILE || undefined),
      ...(enrollmentCode ? { enrollmentCode } : {}),
      ...(args.ca ? { serverCaFile: args.ca } : {}),
      insecure: args.insecure,
      // Browser mode runs from the checkout: its version is the package's.
      appVersion: (
        JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as {
          version: string;
        }
      ).version,
      log: createLogger(level),
    });
  } catch (e) {
    die(e instanceof Error ? e.message : String(e), 1);
  }
  const s = host.core?.status();
  if (s) log(`started workstation ${s.workstationId} (${s.kind ?? '?'} ${s.code ?? ''})`);
  else if (host.state().locked) log("locked: the app asks for this PC's passphrase");
  else if (args.headless) die('this workstation is not enrolled: give --server and --enroll', 1);
  else log('not enrolled yet: the app asks for the server address and enrolment code');
  // Every caught-up long-poll moves last_sync; print a line when anything else changes, or once a
  // minute, so the log stays readable on a PC that runs for weeks.
  let lastPrinted = '';
  let lastAt = 0;
  host.on('status', (st) => {
    const key = line({ ...st, lastSyncAt: null });
    if (key === lastPrinted && Date.now() - lastAt < 60_000) return;
    lastPrinted = key;
    lastAt = Date.now();
    log(line(st));
  });
  let ui: BrowserMode | null = null;
  if (!args.headless) {
    try {
      ui = await startBrowserMode({ host, staticDir: RENDERER, port: args.port });
    } catch (e) {
      await host.stop();
      die(e instanceof Error ? e.message : String(e), 1);
    }
    log(`app ready: open ${ui.url}`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    Promise.all([ui?.close(), host.stop()]).then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`workstation: stop failed: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
