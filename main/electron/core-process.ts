/**
 * The workstation core in Electron's utility process: sync, SQLite and the domain handlers run here,
 * so a long sync batch never freezes the window. The shell relays the page's calls in and the
 * answers and events out; `stop` drains the upload in flight before the process ends.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HMS_EVENTS } from '../common/index.ts';
import { WorkstationHost } from '../core/host.ts';
import { hasPassphrase, keyFromPassphrase } from '../core/key-file.ts';
import { createLogger } from '../core/logger.ts';
import { DamagedDatabaseError } from '../core/store/local-db.ts';
import { moveAsideDamaged } from '../core/store/salvage.ts';
import type { Workstation } from '../core/workstation.ts';
import type { FromCore, ToCore } from './core-messages.ts';
import { hospitalCaFile } from './hospital-ca.ts';

const port = process.parentPort;
const send = (m: FromCore) => port.postMessage(m);
let host: WorkstationHost | null = null;
/** The app's version (the shell knows it), told to the server with each heartbeat. */
let appVersion: string | undefined;
// Bundled into dist-app/ with a copy of the SQLite migrations beside it (scripts/build-app.ts).
const migrationsDir = join(import.meta.dirname, 'migrations', 'sqlite');

/** Opens the core on `dataDir` (the first screen asks for the passphrase when `key` is null). */
function open(dataDir: string, key: string | null) {
  // IT trusts the hospital's own CA for the sync server: HMS_SERVER_CA_FILE, or a file it drops in
  // the data folder. The shell's updater asks the same function, so both trust the same file.
  const ca = hospitalCaFile(process.env.HMS_SERVER_CA_FILE, dataDir, existsSync);
  WorkstationHost.open({
    dataDir,
    ...(ca ? { serverCaFile: ca } : {}),
    key: key ?? {
      fromPassphrase: (passphrase) => keyFromPassphrase(dataDir, passphrase),
      firstTime: () => !hasPassphrase(dataDir),
    },
    migrationsDir,
    ...(appVersion ? { appVersion } : {}),
    log: createLogger('warn'),
  }).then(
    (h) => {
      host = h;
      for (const event of HMS_EVENTS) h.on(event, (payload) => send({ frame: { event, payload } as never }));
      // The shell's updater needs the enrolled server and device token: now if enrolled, else when
      // the first screen enrols the PC (a new core, which says its status at once).
      let announced: Workstation | null = null;
      const announce = () => {
        const core = h.core;
        if (!core || core === announced) return;
        announced = core;
        send({ updateFeed: core.updateFeed() });
      };
      h.on('status', announce);
      announce();
      send({ ready: true });
    },
    (e: unknown) =>
      send({
        failed: e instanceof Error ? e.message : String(e),
        damaged: e instanceof DamagedDatabaseError,
      }),
  );
}

port.on('message', ({ data }: { data: ToCore }) => {
  if ('start' in data) {
    appVersion = data.start.appVersion;
    open(data.start.dataDir, data.start.key);
  } else if ('recover' in data) {
    const { dataDir, key } = data.recover;
    try {
      moveAsideDamaged({ dataDir, key, migrationsDir });
    } catch (e) {
      send({
        failed: `the damaged database could not be moved aside: ${e instanceof Error ? e.message : String(e)}`,
      });
      return;
    }
    open(dataDir, key);
  } else if ('call' in data) {
    const { id, channel, args } = data.call;
    const answer = host
      ? host.call(channel, args)
      : Promise.resolve({
          ok: false as const,
          error: { code: 'starting', message: 'the workstation is starting' },
        });
    void answer.then((envelope) => send({ frame: { id, envelope } }));
  } else if ('stop' in data) {
    void (host?.stop() ?? Promise.resolve()).finally(() => send({ stopped: true }));
  }
});
