/**
 * The app's updater (issue 12): electron-updater, pointed at run time at the sync server this PC is
 * enrolled with, which serves the release of the PC's update ring to enrolled PCs only (the device
 * token goes in every request). It checks at start and every half hour, downloads in the background
 * (only the changed blocks of the installer), and installs by the rules of `update-policy.ts`.
 *
 * Nothing here throws and nothing here stops the app: every failure (no server, a halted ring, a
 * revoked token, a corrupt download) is caught, logged in one line without patient data or the token,
 * and shown as the updater's `state`. Plain Node (no `electron` import): the shell hands in
 * electron-updater's `autoUpdater`, the tests a real client without Electron or a fake.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Logger as LibraryLogger, UpdateCheckResult } from 'electron-updater';
import type { AppUpdaterEvents } from 'electron-updater/out/AppUpdater.js';
import type { UpdateState } from '../common/update.ts';
import type { Logger } from '../core/logger.ts';
import {
  authHeaders,
  classifyFailure,
  type FeedOptions,
  feedOptions,
  firstLine,
  type InstallDecision,
  installDecision,
  type PolicyStatus,
  type QuitQuestion,
  quitQuestion,
} from './update-policy.ts';

/**
 * How often a running PC asks for a new release (and at every start). A halt or a roll-back reaches
 * a running PC by this check (an update it downloaded and no longer offered is dropped), so it is
 * short: one manifest of a few hundred bytes per PC every half hour is nothing to the server.
 */
export const CHECK_EVERY_MS = 30 * 60_000;
/** How often a ready update's install decision is taken again (the PC may have fallen idle). */
export const DECIDE_EVERY_MS = 5 * 60_000;

type Events = Pick<
  AppUpdaterEvents,
  | 'checking-for-update'
  | 'update-available'
  | 'update-not-available'
  | 'download-progress'
  | 'update-downloaded'
  | 'error'
>;

/** The part of electron-updater's `AppUpdater` driven here. */
export interface UpdaterClient {
  autoDownload: boolean;
  disableWebInstaller: boolean;
  autoInstallOnAppQuit: boolean;
  logger: LibraryLogger | null;
  requestHeaders: OutgoingHttpHeaders | null;
  setFeedURL(options: FeedOptions): void;
  checkForUpdates(): Promise<UpdateCheckResult | null>;
  on<E extends keyof Events>(event: E, listener: Events[E]): unknown;
  /**
   * Runs the downloaded installer (`BaseUpdater`: Windows, Linux). macOS has none: Squirrel.Mac
   * installs at quit, as `autoInstallOnAppQuit` says.
   */
  install?(isSilent?: boolean, isForceRunAfter?: boolean): boolean;
}

/** The updater's state: the shell sends it to the page as its `update` event (main/common/update.ts). */
export type { UpdateState };

export interface UpdaterOptions {
  client: UpdaterClient;
  log: Logger;
  /** How long the keyboard and mouse have been untouched (ms); default: never idle. */
  idleMs?: () => number;
  now?: () => number;
  onState?: (state: UpdateState) => void;
  /**
   * The policy says install now (nobody uses this PC): the shell quits as usual, draining the core,
   * then calls `installAtExit`, which restarts the app into the new version.
   */
  onInstallNow?: () => void;
  /** Runs `fn` every `ms` and returns its cancel (default: an unref'd `setInterval`). */
  every?: (ms: number, fn: () => void) => () => void;
}

const defaultEvery = (ms: number, fn: () => void) => {
  const timer = setInterval(fn, ms);
  timer.unref();
  return () => clearInterval(timer);
};

export class Updater {
  private current: UpdateState = { kind: 'idle' };
  private status: PolicyStatus | null = null;
  private agreed = false;
  private restart = false;
  private started = false;
  private lastFailure: unknown = null;
  private readonly cancels: (() => void)[] = [];

  constructor(private readonly opts: UpdaterOptions) {
    const { client } = opts;
    client.autoDownload = true;
    // The app ships full NSIS installers; web-installer packages may skip the signature check.
    client.disableWebInstaller = true;
    // Only the policy turns it on, once an update is ready and may go in at quit.
    client.autoInstallOnAppQuit = false;
    client.logger = libraryLogger(opts.log);
    // Each listener is guarded: a throw inside electron-updater's emit would surface in its download.
    const guard =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        try {
          fn(...args);
        } catch (e) {
          opts.log.error('updater listener failed', { message: classifyFailure(e).message });
        }
      };
    client.on(
      'checking-for-update',
      guard(() => {
        if (this.current.kind !== 'ready') this.set({ kind: 'checking' });
      }),
    );
    client.on(
      'update-not-available',
      guard((info) => {
        // The ring rolled back to this version: an update downloaded before is no longer wanted.
        this.forget();
        this.set({ kind: 'current', version: info.version });
      }),
    );
    client.on(
      'update-available',
      guard((info) => {
        // Found again on a later check: electron-updater re-verifies the cached file, no download.
        if (this.current.kind === 'ready' && this.current.version === info.version) return;
        this.forget();
        this.set({ kind: 'downloading', version: info.version, percent: 0 });
        opts.log.info('update found, downloading', { version: info.version });
      }),
    );
    client.on(
      'download-progress',
      guard((progress) => {
        if (this.current.kind === 'downloading')
          this.set({ ...this.current, percent: Math.floor(progress.percent) });
      }),
    );
    client.on(
      'update-downloaded',
      guard((event) => {
        opts.log.info('update downloaded and verified', { version: event.version });
        this.set({ kind: 'ready', version: event.version, install: this.decision().kind });
        this.decide();
      }),
    );
    client.on(
      'error',
      guard((error) => this.fail(error)),
    );
  }

  get state(): UpdateState {
    return this.current;
  }

  /**
   * Points the updater at the enrolled server with this PC's device token and checks now, then every
   * `CHECK_EVERY_MS`. Given again (the PC was enrolled anew), it re-points and checks again. Resolves
   * with the first check's outcome, never rejects.
   */
  start(feed: { server: string; token: string }): Promise<UpdateState> {
    try {
      this.opts.client.setFeedURL(feedOptions(feed.server));
      this.opts.client.requestHeaders = authHeaders(feed.token);
    } catch (e) {
      this.fail(e);
      return Promise.resolve(this.current);
    }
    if (!this.started) {
      this.started = true;
      const every = this.opts.every ?? defaultEvery;
      this.cancels.push(
        every(CHECK_EVERY_MS, () => void this.check()),
        every(DECIDE_EVERY_MS, () => this.decide()),
      );
    }
    return this.check();
  }

  /** Asks the ring for a release and waits for its download; resolves with the state, never rejects. */
  async check(): Promise<UpdateState> {
    if (!this.started) return this.current;
    try {
      const result = await this.opts.client.checkForUpdates();
      if (result === null) {
        this.set({ kind: 'disabled' });
        this.opts.log.info('this build does not update itself (not a packaged installation)');
      }
      // A failed download also arrives as an 'error' event (handled there); without this catch its
      // rejected promise would be unhandled.
      await result?.downloadPromise?.catch(() => undefined);
    } catch (e) {
      this.fail(e);
    }
    return this.current;
  }

  /** The core's status, whenever it says one: the install decision follows its unsent changes. */
  setStatus(status: PolicyStatus): void {
    // The server no longer takes this version's uploads: the fix is an update, so look for one now
    // rather than at the next scheduled check, hours away.
    const newlyRequired = status.updateRequired === true && this.status?.updateRequired !== true;
    this.status = status;
    this.decide();
    if (newlyRequired) void this.check();
  }

  /** The version ready to install, if any. */
  get ready(): string | null {
    return this.current.kind === 'ready' ? this.current.version : null;
  }

  /** What to ask the user who quits (null: nothing to ask). */
  quitQuestion(): QuitQuestion | null {
    return quitQuestion({ status: this.status, update: this.ready, now: this.now() });
  }

  /** The user, told of the unsent changes, chose to install the update anyway. */
  agreeToInstall(): void {
    this.agreed = true;
    this.decide();
  }

  /**
   * The app is ending and its core has stopped: runs the installer if the policy allows (silently;
   * restarting the app only when the install was the policy's own "now"). True if it started.
   */
  installAtExit(): boolean {
    if (this.current.kind !== 'ready') return false;
    const decision = this.decision();
    if (decision.kind === 'wait') {
      this.opts.log.info('update kept for a later quit: changes not yet sent', {
        version: this.current.version,
      });
      return false;
    }
    if (!this.opts.client.install) return false;
    try {
      const started = this.opts.client.install(true, this.restart);
      this.opts.log.info(started ? 'installing update' : 'update installer did not start', {
        version: this.current.version,
      });
      return started;
    } catch (e) {
      this.fail(e);
      return false;
    }
  }

  stop(): void {
    for (const cancel of this.cancels.splice(0)) cancel();
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private decision(): InstallDecision {
    let idleMs = 0;
    try {
      idleMs = this.opts.idleMs?.() ?? 0;
    } catch {
      // No idle time known: treat the PC as in use.
    }
    return installDecision({ status: this.status, agreed: this.agreed, idleMs, now: this.now() });
  }

  /** Applies the policy to a ready update: whether it goes in at quit, or now. */
  private decide(): void {
    const ready = this.current;
    if (ready.kind !== 'ready') return;
    const decision = this.decision();
    // electron-updater's own quit hook installs only what the policy allows (macOS relies on it alone).
    this.opts.client.autoInstallOnAppQuit = decision.kind !== 'wait';
    if (decision.kind !== ready.install) this.set({ ...ready, install: decision.kind });
    if (decision.kind === 'now' && !this.restart) {
      this.restart = true;
      this.opts.log.info('nobody is using this PC: restarting into the update', { version: ready.version });
      try {
        this.opts.onInstallNow?.();
      } catch (e) {
        this.opts.log.error('could not quit to install the update', { message: classifyFailure(e).message });
      }
    }
  }

  /** A downloaded update is not to be installed (the ring moved on, or back). */
  private forget(): void {
    this.agreed = false;
    this.restart = false;
    this.opts.client.autoInstallOnAppQuit = false;
  }

  private fail(error: unknown): void {
    // electron-updater both emits 'error' and rejects the check's promise with the same error.
    if (error === this.lastFailure) return;
    this.lastFailure = error;
    const { reason, message } = classifyFailure(error);
    if (reason === 'not-offered') {
      // A halted ring stops the rollout: what was downloaded but not installed stays out.
      if (this.current.kind !== 'not-offered') this.opts.log.info('the update ring offers no release');
      this.forget();
      this.set({ kind: 'not-offered' });
      return;
    }
    this.opts.log.warn('update failed', { reason, message });
    // An update already downloaded and verified stays ready through a later check's failure.
    if (this.current.kind !== 'ready') this.set({ kind: 'failed', reason, message });
  }

  private set(state: UpdateState): void {
    this.current = state;
    try {
      this.opts.onState?.(state);
    } catch (e) {
      this.opts.log.error('update state listener failed', { message: classifyFailure(e).message });
    }
  }
}

/**
 * electron-updater's own log lines (URLs, versions, file paths: no patient data, never the token),
 * one line each. Its errors go in at info: each failure is logged once, classified, by `fail`.
 */
function libraryLogger(log: Logger): LibraryLogger {
  const line = (m: unknown) => firstLine(m, 500);
  return {
    debug: (m: string) => log.debug(line(m)),
    info: (m?: unknown) => log.debug(line(m)),
    warn: (m?: unknown) => log.info(line(m)),
    error: (m?: unknown) => log.info(line(m)),
  };
}
