/**
 * The Electron shell (DESIGN §2): thin. One instance, one window, the UI from `app://`, the core in a
 * utility process, every call through one IPC door, and a quit that waits for the core to drain.
 * Built into the desktop package (issue: IT's path); `npm run app` where the Electron binary exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
  utilityProcess,
} from 'electron';
import electronUpdater from 'electron-updater';
import { err } from '../../db/primitives/index.ts';
import type { Envelope, PageEventName, PageEvents } from '../common/index.ts';
import { IPC_EVENT } from '../common/wire.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { APP_ORIGIN, APP_SCHEME, serveAppRequest } from './app-protocol.ts';
import type { FromCore, ToCore } from './core-messages.ts';
import { hospitalCaFile, trustHospitalCa } from './hospital-ca.ts';
import { openIpcDoor } from './ipc-door.ts';
import { loadSealedKey } from './key-store.ts';
import { guardContents, hardenSession, windowOptions } from './security.ts';
import { Updater } from './updater.ts';

// Bundled into dist-app/ (scripts/build-app.ts), beside renderer/, preload.cjs and core-process.mjs.
const HERE = import.meta.dirname;
const RENDERER = join(HERE, 'renderer');
const PRELOAD = join(HERE, 'preload.cjs');
const CORE = join(HERE, 'core-process.mjs');
/** Hosts whose https pages the app may open in the system browser (none by default). */
const EXTERNAL_HOSTS = (process.env.HMS_EXTERNAL_HOSTS ?? '').split(',').filter(Boolean);

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

if (!app.requestSingleInstanceLock()) app.quit();

let window: BrowserWindow | null = null;
let core: Electron.UtilityProcess | null = null;
/** Holds the core's last status too: the quit warning and the install decision read it. */
let updater: Updater | null = null;
let nextId = 1;
const updaterLog: Logger = createLogger('info').child('updater');
const pending = new Map<number, (e: Envelope<unknown>) => void>();
const toCore = (m: ToCore) => core?.postMessage(m);
/** The core's events, relayed, and the shell's own (its updater's state), on the one event channel. */
const tellPage = <E extends PageEventName>(event: E, payload: PageEvents[E]) =>
  window?.webContents.send(IPC_EVENT, event, payload);

function startCore(key: string | null) {
  core = utilityProcess.fork(CORE, [], { serviceName: 'HMS workstation core' });
  core.on('message', (m: FromCore) => {
    if ('frame' in m) {
      const f = m.frame;
      if ('id' in f) {
        pending.get(f.id)?.(f.envelope);
        pending.delete(f.id);
      } else {
        if (f.event === 'status') updater?.setStatus(f.payload);
        tellPage(f.event, f.payload);
      }
    } else if ('failed' in m) {
      if (m.damaged && key !== null) {
        // Nothing is deleted: the damaged file stays in the data folder for IT, with a report.
        const choice = dialog.showMessageBoxSync({
          type: 'error',
          title: 'The local database is damaged',
          message: m.failed,
          detail:
            'Moving it aside keeps the damaged file in the data folder, keeps the unsent work that can still be read, and downloads a fresh copy from the sync server.',
          buttons: ['Move it aside and download a fresh copy', 'Quit'],
          defaultId: 1,
          cancelId: 1,
        });
        if (choice === 0) {
          toCore({ recover: { dataDir: app.getPath('userData'), key } });
          return;
        }
      } else dialog.showErrorBox('The workstation could not start', m.failed);
      app.exit(1);
    } else if ('updateFeed' in m) {
      trustHospitalCaForUpdates(m.updateFeed.server);
      void updater?.start(m.updateFeed);
    } else if ('stopped' in m) {
      // The core has drained and closed its database: only now may an installer replace the app.
      updater?.installAtExit();
      app.exit(0);
    }
  });
  core.on('exit', (code) => {
    for (const done of pending.values()) done(err('disconnected', 'the workstation core stopped'));
    pending.clear();
    if (code !== 0) dialog.showErrorBox('The workstation stopped', `The core process ended (code ${code}).`);
  });
  toCore({ start: { dataDir: app.getPath('userData'), key, appVersion: app.getVersion() } });
}

/**
 * electron-updater downloads through Electron's `net` in its own session, which trusts the OS store
 * only: give it the hospital's CA for the enrolled server, found as the core finds it (hospital-ca.ts).
 */
function trustHospitalCaForUpdates(server: string) {
  trustHospitalCa(electronUpdater.autoUpdater.netSession, {
    server,
    caFile: hospitalCaFile(process.env.HMS_SERVER_CA_FILE, app.getPath('userData'), existsSync),
    readFile: (path) => readFileSync(path, 'utf8'),
    log: updaterLog.child('hospital-ca'),
  });
}

const call = (channel: unknown, args: unknown): Promise<Envelope<unknown>> =>
  new Promise((resolve) => {
    if (!core || typeof channel !== 'string') return resolve(err('starting', 'the workstation is starting'));
    const id = nextId++;
    pending.set(id, resolve);
    toCore({ call: { id, channel, args } });
  });

function createWindow() {
  window = new BrowserWindow(windowOptions(PRELOAD));
  guardContents(window.webContents, shell, EXTERNAL_HOSTS);
  window.once('ready-to-show', () => window?.show());
  // A page (re)loaded has missed the updater's last change: tell it where the update stands.
  window.webContents.on('did-finish-load', () => updater && tellPage('update', updater.state));
  void window.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('second-instance', () => {
  if (window?.isMinimized()) window.restore();
  window?.focus();
});

app.on('web-contents-created', (_e, contents) => guardContents(contents, shell, EXTERNAL_HOSTS));

app.whenReady().then(() => {
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, (request) => {
    return serveAppRequest(RENDERER, request.url, (fileUrl) => net.fetch(fileUrl));
  });
  // Without an OS secret store the key is never written: the core asks for a passphrase instead.
  const key = loadSealedKey(safeStorage, app.getPath('userData'));
  // Started by the core's `updateFeed` (the enrolled server and device token); see updater.ts.
  updater = new Updater({
    client: electronUpdater.autoUpdater,
    log: updaterLog,
    // The status bar says it in words (renderer/src/features/shell/update-words.ts).
    onState: (state) => tellPage('update', state),
    idleMs: () => powerMonitor.getSystemIdleTime() * 1000,
    // Nobody uses this PC: quit as usual (the core drains), then `installAtExit` restarts into the update.
    onInstallNow: () => app.quit(),
  });
  startCore(key.kind === 'key' ? key.key : null);
  openIpcDoor(ipcMain, call);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      { role: 'fileMenu' },
      { role: 'editMenu' },
      {
        label: 'View',
        submenu: [
          { role: 'resetZoom' },
          { role: 'zoomIn' },
          { role: 'zoomOut' },
          { role: 'togglefullscreen' },
        ],
      },
      { role: 'windowMenu' },
    ]),
  );
  createWindow();
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !core) return;
  event.preventDefault();
  // Changes unsent: the quit warning, and with an update ready, the explicit choice to install it anyway.
  const question = updater?.quitQuestion() ?? null;
  if (question && window) {
    const { answers, ...box } = question;
    const answer = answers[dialog.showMessageBoxSync(window, { type: 'warning', ...box })];
    if (answer !== 'quit' && answer !== 'quit-and-install') return;
    if (answer === 'quit-and-install') updater?.agreeToInstall();
  }
  quitting = true;
  toCore({ stop: true });
  // The core drains the upload in flight, then says `stopped`; never hang a shutdown on it.
  setTimeout(() => app.exit(0), 15_000).unref();
});
