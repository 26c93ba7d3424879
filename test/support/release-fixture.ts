/**
 * Desktop releases for the updater tests (issue 12), laid out as electron-builder writes them and as
 * the sync server's releases directory holds them (one folder per release): the installer, its
 * `.blockmap` from electron-builder's own block-map builder (app-builder-lib), and `latest.yml` naming
 * the installer with its sha512 (base64) and size.
 *
 * And electron-updater's real client in plain Node, without Electron: an app adapter over a temp
 * folder, a Node HTTP client, and the Windows (NSIS) updater with its install step recorded instead
 * of run. NSIS because the ward PCs run the Windows build, and its differential download is the one
 * with separate blockmap files: the new file is built from the installer the PC last ran (kept in the
 * updater's cache folder) plus the blocks that changed, fetched in byte ranges.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import {
  type ClientRequest,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBlockMap } from 'app-builder-lib/out/targets/blockmap/blockmap.js';
import type { DownloadOptions } from 'builder-util-runtime';
import { NsisUpdater } from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter.js';
import type { InstallOptions } from 'electron-updater/out/BaseUpdater.js';

export const installerName = (version: string) => `HMS-Workstation-Setup-${version}.exe`;

/** `length` bytes that look random and are the same on every run for the same `seed`. */
export function pseudoRandom(seed: string, length: number): Buffer {
  const key = createHash('sha256').update(seed).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(length));
}

export const sha512 = (bytes: Buffer) => createHash('sha512').update(bytes).digest('base64');

export interface Release {
  version: string;
  /** The release's folder in the releases directory. */
  folder: string;
  installer: string;
  /** The installer as built (what `latest.yml` describes). */
  bytes: Buffer;
  sha512: string;
}

/**
 * The name of the manifest a client on this machine asks for: `latest.yml` on Windows, which the
 * server also requires of every release folder; electron-updater running on Linux or macOS asks for
 * `latest-linux.yml` (`-<arch>` besides x64) or `latest-mac.yml`.
 */
export function manifestName(platform = process.platform, arch = process.arch): string {
  if (platform === 'linux') return `latest-linux${arch === 'x64' ? '' : `-${arch}`}.yml`;
  return platform === 'darwin' ? 'latest-mac.yml' : 'latest.yml';
}

/**
 * Writes one release folder. `previous`: its blockmap is copied in too, because electron-updater
 * fetches the old blockmap beside the new installer (the new file name with the running version in
 * it), and the server serves a PC nothing but its ring's folder. `served`: other bytes end up on the
 * server than the manifest describes (a corrupted upload).
 */
export async function writeRelease(
  releasesDir: string,
  opts: { version: string; bytes: Buffer; folder?: string; previous?: Release; served?: Buffer },
): Promise<Release> {
  const folder = join(releasesDir, opts.folder ?? opts.version);
  mkdirSync(folder, { recursive: true });
  const installer = installerName(opts.version);
  const file = join(folder, installer);
  writeFileSync(file, opts.bytes);
  const built = await buildBlockMap(file, 'gzip', `${file}.blockmap`);
  if (built.sha512 !== sha512(opts.bytes) || built.size !== opts.bytes.length)
    throw new Error('the block-map builder saw other bytes than were written');
  if (opts.served) writeFileSync(file, opts.served);
  if (opts.previous)
    copyFileSync(
      join(opts.previous.folder, `${opts.previous.installer}.blockmap`),
      join(folder, `${opts.previous.installer}.blockmap`),
    );
  // As electron-builder writes it for an NSIS target.
  const manifest = [
    `version: ${opts.version}`,
    'files:',
    `  - url: ${installer}`,
    `    sha512: '${built.sha512}'`,
    `    size: ${built.size}`,
    `path: ${installer}`,
    `sha512: '${built.sha512}'`,
    `releaseDate: '2026-11-25T12:00:00.000Z'`,
    '',
  ].join('\n');
  for (const name of new Set(['latest.yml', manifestName()])) writeFileSync(join(folder, name), manifest);
  return { version: opts.version, folder, installer, bytes: opts.bytes, sha512: built.sha512 };
}

/** Where 1.1.0 differs from 1.0.0: two small regions far apart (two separate ranges to fetch). */
export const CHANGED = [
  { offset: 1_500_000, length: 3_000 },
  { offset: 4_500_000, length: 3_000 },
] as const;
export const INSTALLER_SIZE = 6 * 1024 * 1024;

/** Release 1.0.0, and 1.1.0 differing from it in `CHANGED` only. */
export function installerBytes(): { v100: Buffer; v110: Buffer } {
  const v100 = pseudoRandom('hms 1.0.0', INSTALLER_SIZE);
  const v110 = Buffer.from(v100);
  for (const [i, { offset, length }] of CHANGED.entries())
    pseudoRandom(`hms 1.1.0 #${i}`, length).copy(v110, offset);
  return { v100, v110 };
}

// electron-updater tells a 404 (a halted ring) by `instanceof HttpError` of its own copy of
// builder-util-runtime: the Node client must come from that copy, not from another one in node_modules.
const updaterRuntime = createRequire(createRequire(import.meta.url).resolve('electron-updater'))(
  'builder-util-runtime',
) as typeof import('builder-util-runtime');

/**
 * electron-updater's HTTP client on Node's `http`/`https`. In the app it is Electron's `net`
 * (`ElectronHttpExecutor`), whose `download` this one copies: requests, ranges, redirects, timeouts
 * and sha512 checks are the shared base class's.
 */
class NodeHttpExecutor extends updaterRuntime.HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    // A connection per request: the base class adds a timeout listener to the socket of every request,
    // which on Node's keep-alive sockets piles up (Electron's `net` keeps its own pool).
    return (options.protocol === 'https:' ? httpsRequest : httpRequest)(
      { ...options, agent: false },
      callback,
    );
  }

  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      updaterRuntime.configureRequestUrl(url, requestOptions);
      updaterRuntime.configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (error) => (error ? reject(error) : resolve(destination)),
          responseHandler: null,
        },
        0,
      );
    });
  }
}

/** electron-updater's view of the app, as Electron's `app` would answer it, over `root`. */
export class NodeAppAdapter implements AppAdapter {
  readonly name = 'HMS Workstation';
  readonly isPackaged = true;
  private readonly quitHandlers: ((exitCode: number) => void)[] = [];
  constructor(
    readonly version: string,
    private readonly root: string,
  ) {}
  get appUpdateConfigPath() {
    return join(this.root, 'resources', 'app-update.yml');
  }
  get userDataPath() {
    return join(this.root, 'user-data');
  }
  get baseCachePath() {
    return join(this.root, 'cache');
  }
  whenReady() {
    return Promise.resolve();
  }
  relaunch() {}
  quit() {}
  onQuit(handler: (exitCode: number) => void) {
    this.quitHandlers.push(handler);
  }
  /** Plays Electron's `quit` event (once, as `app.once('quit')`). */
  emitQuit(exitCode = 0) {
    for (const handler of this.quitHandlers.splice(0)) handler(exitCode);
  }
}

/** The Windows updater, with the installer's run recorded instead of spawned. */
export class RecordingNsisUpdater extends NsisUpdater {
  readonly installs: InstallOptions[] = [];
  constructor(app: NodeAppAdapter) {
    super(null, app);
    // Handed an app, electron-updater expects the HTTP client from its caller (Electron's `net` is
    // what it builds otherwise). `httpExecutor` is missing from its type declarations.
    Object.assign(this, { httpExecutor: new NodeHttpExecutor() });
  }
  protected override doInstall(options: InstallOptions): boolean {
    this.installs.push(options);
    return true;
  }
}

/** The folder name electron-builder gives the updater's cache (`updaterCacheDirName`). */
export const UPDATER_CACHE = 'hms-workstation-updater';

export interface NodeClient {
  updater: RecordingNsisUpdater;
  app: NodeAppAdapter;
  /** Every line electron-updater logged. */
  logs: string[];
  dispose(): void;
}

/**
 * A PC running `version`, installed from `installed` (NSIS keeps a copy of the installer it ran in the
 * updater's cache as `installer.exe`: the old file of a differential download), with the
 * `app-update.yml` electron-builder packs (only its cache folder name is read: the feed is set at
 * run time).
 */
export function nodeClient(version: string, installed: Buffer): NodeClient {
  const root = mkdtempSync(join(tmpdir(), 'hms-updater-'));
  mkdirSync(join(root, 'resources'));
  writeFileSync(
    join(root, 'resources', 'app-update.yml'),
    `provider: generic\nurl: https://updates.invalid/\nupdaterCacheDirName: ${UPDATER_CACHE}\n`,
  );
  mkdirSync(join(root, 'cache', UPDATER_CACHE), { recursive: true });
  writeFileSync(join(root, 'cache', UPDATER_CACHE, 'installer.exe'), installed);
  const app = new NodeAppAdapter(version, root);
  const updater = new RecordingNsisUpdater(app);
  const logs: string[] = [];
  const keep = (m?: unknown) => {
    logs.push(m instanceof Error ? (m.stack ?? m.message) : String(m));
  };
  updater.logger = { info: keep, warn: keep, error: keep, debug: keep };
  return { updater, app, logs, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** Release dates of the small releases `writeReleaseFolders` makes. */
export const RELEASED: Readonly<Record<string, string>> = {
  '1.0.0': '2025-01-10T08:00:00.000Z',
  '1.1.0': '2025-03-04T08:00:00.000Z',
};

/**
 * Releases 1.0.0 and 1.1.0 as the server's releases directory holds them (a `latest.yml` and its
 * installer, `installer` for bytes), and a 1.2.0 folder still being copied (no `latest.yml` yet).
 */
export function writeReleaseFolders(dir: string, installer: string | Buffer = 'installer'): void {
  for (const version of Object.keys(RELEASED)) {
    mkdirSync(join(dir, version));
    writeFileSync(
      join(dir, version, 'latest.yml'),
      `version: ${version}\npath: HMS-Setup-${version}.exe\nreleaseDate: '${RELEASED[version]}'\n`,
    );
    writeFileSync(join(dir, version, `HMS-Setup-${version}.exe`), installer);
  }
  mkdirSync(join(dir, '1.2.0'));
}
