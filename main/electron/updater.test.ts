/**
 * The updater's wiring and policy, against a small stand-in for electron-updater that plays its events
 * in its order (checking → available → progress → downloaded, or an `error` event and a rejected
 * promise). The real client against the real sync server is `test/integration/updater-client.test.ts`.
 */
import { EventEmitter } from 'node:events';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Logger as LibraryLogger, UpdateCheckResult, UpdateInfo } from 'electron-updater';
import { describe, expect, it, vi } from 'vitest';
import type { LogFields, Logger } from '../core/logger.ts';
import { type FeedOptions, feedOptions, IDLE_BEFORE_INSTALL_MS, type PolicyStatus } from './update-policy.ts';
import { CHECK_EVERY_MS, DECIDE_EVERY_MS, Updater, type UpdaterClient, type UpdateState } from './updater.ts';

const TOKEN = 'device-token-that-must-never-be-logged';
const SERVER = 'https://sync.hospital.lan';
const nurse = { id: 'u1', username: 'nurse', role: 'nurse', offline: false };
const allSent: PolicyStatus = { outboxPending: 0, oldestPendingAt: null, user: nurse };
const unsent: PolicyStatus = { outboxPending: 2, oldestPendingAt: new Date().toISOString(), user: nurse };

const info = (version: string): UpdateInfo => ({
  version,
  files: [{ url: `HMS-Setup-${version}.exe`, sha512: 'x', size: 10 }],
  path: `HMS-Setup-${version}.exe`,
  sha512: 'x',
  releaseDate: '2026-11-25T12:00:00.000Z',
});
const coded = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);

type Script = (c: FakeClient) => Promise<UpdateCheckResult | null>;

/** A release is offered; its download ends downloaded or with `downloadError`. */
const offer =
  (version: string, downloadError?: Error): Script =>
  async (c) => {
    c.emit('checking-for-update');
    c.emit('update-available', info(version));
    const downloadPromise = (async () => {
      c.emit('download-progress', { percent: 50, bytesPerSecond: 1, total: 10, transferred: 5, delta: 5 });
      if (downloadError) {
        c.emit('error', downloadError);
        throw downloadError;
      }
      c.emit('update-downloaded', { ...info(version), downloadedFile: `/cache/HMS-Setup-${version}.exe` });
      return [`/cache/HMS-Setup-${version}.exe`];
    })();
    return {
      isUpdateAvailable: true,
      updateInfo: info(version),
      versionInfo: info(version),
      downloadPromise,
    };
  };
const current =
  (version: string): Script =>
  async (c) => {
    c.emit('checking-for-update');
    c.emit('update-not-available', info(version));
    return { isUpdateAvailable: false, updateInfo: info(version), versionInfo: info(version) };
  };
/** The check fails as electron-updater fails it: an `error` event, then the same error rejected. */
const failing =
  (error: Error): Script =>
  async (c) => {
    c.emit('checking-for-update');
    c.emit('error', error);
    throw error;
  };
const halted = failing(
  coded('Cannot find channel "latest.yml" update info: HttpError: 404 ', {
    code: 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND',
  }),
);

class FakeClient extends EventEmitter implements UpdaterClient {
  autoDownload = false;
  disableWebInstaller = false;
  autoInstallOnAppQuit = true;
  logger: LibraryLogger | null = null;
  requestHeaders: OutgoingHttpHeaders | null = null;
  readonly feeds: FeedOptions[] = [];
  readonly installs: { isSilent: boolean | undefined; isForceRunAfter: boolean | undefined }[] = [];
  checks = 0;
  constructor(public script: Script) {
    super();
  }
  setFeedURL(options: FeedOptions) {
    this.feeds.push(options);
  }
  checkForUpdates() {
    this.checks++;
    return this.script(this);
  }
  install(isSilent?: boolean, isForceRunAfter?: boolean) {
    this.installs.push({ isSilent, isForceRunAfter });
    return true;
  }
}

function recordingLog() {
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      lines.push({ level, message, ...(fields ? { fields } : {}) });
    };
  const log: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => log,
  };
  return { log, lines };
}

function setup(script: Script, more: { idleMs?: () => number; onInstallNow?: () => void } = {}) {
  const client = new FakeClient(script);
  const { log, lines } = recordingLog();
  const states: UpdateState[] = [];
  const timers: { ms: number; fn: () => void; cancelled: boolean }[] = [];
  const updater = new Updater({
    client,
    log,
    onState: (s) => states.push(s),
    every: (ms, fn) => {
      const timer = { ms, fn, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    ...more,
  });
  return { client, updater, lines, states, timers };
}

describe('the updater', () => {
  it('fetches from the enrolled server with the device token, downloads by itself, installs nothing yet', async () => {
    const { client, updater } = setup(current('1.0.0'));
    expect(updater.state).toEqual({ kind: 'idle' });
    expect(await updater.check()).toEqual({ kind: 'idle' }); // no feed: not enrolled yet, nothing asked
    expect(client.checks).toBe(0);
    expect(client.autoDownload).toBe(true);
    expect(client.disableWebInstaller).toBe(true);
    expect(client.autoInstallOnAppQuit).toBe(false);
    expect(await updater.start({ server: SERVER, token: TOKEN })).toEqual({
      kind: 'current',
      version: '1.0.0',
    });
    expect(client.feeds).toEqual([feedOptions(SERVER)]);
    expect(client.requestHeaders).toEqual({ authorization: `Bearer ${TOKEN}` });
    expect(updater.installAtExit()).toBe(false);
    expect(client.installs).toEqual([]);
  });

  it('checks at start and every few hours, and stops when told', async () => {
    const { client, updater, timers } = setup(current('1.0.0'));
    await updater.start({ server: SERVER, token: TOKEN });
    expect(client.checks).toBe(1);
    const checkTimer = timers.find((t) => t.ms === CHECK_EVERY_MS)!;
    checkTimer.fn();
    checkTimer.fn();
    expect(client.checks).toBe(3);
    // Enrolled anew: re-pointed and checked again, with no second set of timers.
    await updater.start({ server: 'https://other.lan', token: 'other' });
    expect(client.feeds.map((f) => f.url)).toEqual([
      `${SERVER}/api/updates/`,
      'https://other.lan/api/updates/',
    ]);
    expect(timers.map((t) => t.ms)).toEqual([CHECK_EVERY_MS, DECIDE_EVERY_MS]);
    updater.stop();
    expect(timers.every((t) => t.cancelled)).toBe(true);
  });

  it('looks for an update at once when the server says this version must update, once per refusal', async () => {
    const { client, updater, states } = setup(offer('1.1.0'));
    await updater.start({ server: SERVER, token: TOKEN });
    expect(client.checks).toBe(1);
    client.script = offer('1.2.0');
    updater.setStatus({ ...allSent, updateRequired: true });
    await new Promise((r) => setTimeout(r, 10));
    expect(client.checks).toBe(2);
    expect(states.at(-1)).toMatchObject({ kind: 'ready', version: '1.2.0' });
    // The same refusal said again (every status) does not check again.
    updater.setStatus({ ...allSent, updateRequired: true });
    expect(client.checks).toBe(2);
  });

  it('installs a downloaded update when the user quits with everything sent, silently, without restarting', async () => {
    const { client, updater, states } = setup(offer('1.1.0'));
    updater.setStatus(allSent);
    expect(await updater.start({ server: SERVER, token: TOKEN })).toEqual({
      kind: 'ready',
      version: '1.1.0',
      install: 'on-quit',
    });
    expect(states.map((s) => s.kind)).toEqual(['checking', 'downloading', 'downloading', 'ready']);
    expect(client.autoInstallOnAppQuit).toBe(true);
    expect(updater.quitQuestion()).toBeNull();
    expect(updater.installAtExit()).toBe(true);
    expect(client.installs).toEqual([{ isSilent: true, isForceRunAfter: false }]);
  });

  it('keeps the update while changes are unsent, warns at quit, and installs only once the user agrees', async () => {
    const { client, updater } = setup(offer('1.1.0'));
    updater.setStatus(unsent);
    expect(await updater.start({ server: SERVER, token: TOKEN })).toMatchObject({
      kind: 'ready',
      install: 'wait',
    });
    expect(client.autoInstallOnAppQuit).toBe(false); // electron-updater's own quit hook installs nothing either
    expect(updater.installAtExit()).toBe(false);
    expect(client.installs).toEqual([]);
    const question = updater.quitQuestion();
    expect(question?.detail).toMatch(/^2 changes .* not reached the server[\s\S]*Version 1\.1\.0/);
    expect(question?.answers).toContain('quit-and-install');
    updater.agreeToInstall();
    expect(client.autoInstallOnAppQuit).toBe(true);
    expect(updater.installAtExit()).toBe(true);
    expect(client.installs).toEqual([{ isSilent: true, isForceRunAfter: false }]);
  });

  it('follows the outbox: an update waiting for unsent changes goes in at quit once they are sent', async () => {
    const { client, updater } = setup(offer('1.1.0'));
    updater.setStatus(unsent);
    await updater.start({ server: SERVER, token: TOKEN });
    expect(client.autoInstallOnAppQuit).toBe(false);
    updater.setStatus(allSent);
    expect(updater.state).toMatchObject({ kind: 'ready', install: 'on-quit' });
    expect(client.autoInstallOnAppQuit).toBe(true);
  });

  it('restarts into the update a PC nobody is using, once', async () => {
    let idle = 0;
    const onInstallNow = vi.fn();
    const { client, updater, timers } = setup(offer('1.1.0'), { idleMs: () => idle, onInstallNow });
    updater.setStatus({ ...allSent, user: null });
    await updater.start({ server: SERVER, token: TOKEN });
    expect(onInstallNow).not.toHaveBeenCalled();
    idle = IDLE_BEFORE_INSTALL_MS;
    const decideTimer = timers.find((t) => t.ms === DECIDE_EVERY_MS)!;
    decideTimer.fn();
    decideTimer.fn();
    expect(onInstallNow).toHaveBeenCalledTimes(1);
    expect(updater.state).toMatchObject({ kind: 'ready', install: 'now' });
    // The shell quits, the core stops, then:
    expect(updater.installAtExit()).toBe(true);
    expect(client.installs).toEqual([{ isSilent: true, isForceRunAfter: true }]);
  });

  it('takes a halted ring as nothing offered, and drops an update downloaded before the halt', async () => {
    const { client, updater, lines } = setup(offer('1.1.0'));
    updater.setStatus(allSent);
    await updater.start({ server: SERVER, token: TOKEN });
    expect(client.autoInstallOnAppQuit).toBe(true);
    client.script = halted;
    expect(await updater.check()).toEqual({ kind: 'not-offered' });
    expect(client.autoInstallOnAppQuit).toBe(false);
    expect(updater.installAtExit()).toBe(false);
    expect(client.installs).toEqual([]);
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
    // The ring rolled back to the running version: likewise nothing to install.
    client.script = offer('1.1.0');
    await updater.check();
    client.script = current('1.0.0');
    expect(await updater.check()).toEqual({ kind: 'current', version: '1.0.0' });
    expect(client.autoInstallOnAppQuit).toBe(false);
  });

  it('refuses a download that fails its checksum: a logged state, nothing to install', async () => {
    const mismatch = coded('sha512 checksum mismatch, expected x, got y', { code: 'ERR_CHECKSUM_MISMATCH' });
    const { client, updater, lines } = setup(offer('1.1.0', mismatch));
    updater.setStatus(allSent);
    expect(await updater.start({ server: SERVER, token: TOKEN })).toEqual({
      kind: 'failed',
      reason: 'corrupt',
      message: 'sha512 checksum mismatch, expected x, got y',
    });
    expect(updater.installAtExit()).toBe(false);
    expect(client.installs).toEqual([]);
    // Reported once, though electron-updater both emits the error and rejects with it.
    expect(lines.filter((l) => l.level === 'warn')).toEqual([
      { level: 'warn', message: 'update failed', fields: { reason: 'corrupt', message: mismatch.message } },
    ]);
  });

  it('turns every failure into a state and a log line, never a throw', async () => {
    const offline = coded('connect ECONNREFUSED 10.0.0.2:443', { code: 'ECONNREFUSED' });
    const { client, updater, lines } = setup(failing(offline));
    expect(await updater.start({ server: SERVER, token: TOKEN })).toMatchObject({
      kind: 'failed',
      reason: 'offline',
    });

    client.script = failing(coded('HttpError: 401 Unauthorized\nHeaders: {}', { statusCode: 401 }));
    expect(await updater.check()).toMatchObject({
      kind: 'failed',
      reason: 'refused',
      message: 'HttpError: 401 Unauthorized',
    });

    client.script = () => {
      throw new Error('thrown before any promise');
    };
    expect(await updater.check()).toMatchObject({ kind: 'failed', message: 'thrown before any promise' });

    client.script = async () => null; // not a packaged build
    expect(await updater.check()).toEqual({ kind: 'disabled' });

    client.setFeedURL = () => {
      throw new Error('bad provider');
    };
    await expect(updater.start({ server: SERVER, token: TOKEN })).resolves.toMatchObject({ kind: 'failed' });

    // Neither the token nor anything but one line per failure reaches the log.
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
    expect(
      lines.every((l) => !l.message.includes('\n') && !String(l.fields?.message ?? '').includes('\n')),
    ).toBe(true);
  });

  it('keeps a verified update ready through a later failed check', async () => {
    const { client, updater } = setup(offer('1.1.0'));
    updater.setStatus(allSent);
    await updater.start({ server: SERVER, token: TOKEN });
    client.script = failing(coded('connect ETIMEDOUT', { code: 'ETIMEDOUT' }));
    expect(await updater.check()).toMatchObject({ kind: 'ready', version: '1.1.0' });
    expect(updater.installAtExit()).toBe(true);
  });

  it('survives listeners that throw: its own state listener, and electron-updater’s logger lines', async () => {
    const client = new FakeClient(offer('1.1.0'));
    const { log, lines } = recordingLog();
    const updater = new Updater({
      client,
      log,
      every: () => () => {},
      onState: () => {
        throw new Error('listener broke');
      },
    });
    updater.setStatus(allSent);
    expect(await updater.start({ server: SERVER, token: TOKEN })).toMatchObject({ kind: 'ready' });
    expect(lines.some((l) => l.level === 'error' && l.message === 'update state listener failed')).toBe(true);
    // electron-updater's own lines go to the log, one line each, its errors below warn.
    client.logger?.error(new Error(`Cannot download differentially\n    at stack (file.js:1)`));
    expect(lines.at(-1)).toEqual({ level: 'info', message: 'Cannot download differentially' });
  });
});
