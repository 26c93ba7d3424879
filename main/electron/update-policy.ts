/**
 * The rules of the app's updater (issue 12), as pure functions: where it fetches updates, what a
 * failure means, and when a downloaded update is installed. `updater.ts` applies them to
 * electron-updater; `main.ts` asks `quitQuestion` when the user quits.
 *
 * When to install, as a ward user would expect it:
 * - Never under their hands. An update that has downloaded waits for the end of the session (the user
 *   quits the app) and is installed then, silently, without starting the app again.
 * - Not while this PC holds changes the server has not accepted. They are safe on disk and a new
 *   version would send them, but a failed installer, or a new version whose sync the server refuses,
 *   would leave clinical writes stranded on one PC; they should reach the server first. So the update
 *   is kept for a later quit, unless the user, told how many changes wait (the quit warning's
 *   sentence), explicitly chooses to install anyway.
 * - Ward PCs run for weeks without anyone quitting the app. So the one install nobody is asked about
 *   is on a PC nobody is using: no one signed in, nothing unsent, no keyboard or mouse for
 *   `IDLE_BEFORE_INSTALL_MS`. The app then restarts into the new version on its sign-in screen.
 */
import type { WorkstationStatus } from '../common/index.ts';
import type { UpdateFailure } from '../common/update.ts';
import { quitWarning } from './quit-warning.ts';

/** What the policy reads of the core's status. */
export type PolicyStatus = Pick<WorkstationStatus, 'outboxPending' | 'oldestPendingAt' | 'user'> &
  Partial<Pick<WorkstationStatus, 'updateRequired'>>;

/** How long a PC with no one signed in must be untouched before an update restarts it. */
export const IDLE_BEFORE_INSTALL_MS = 30 * 60_000;

/** electron-updater's generic provider options, pointed at the enrolled sync server. */
export interface FeedOptions {
  provider: 'generic';
  url: string;
  useMultipleRangeRequest: boolean;
}

/**
 * The feed of the PC's sync server (`<server>/api/updates/`), which answers with the release of the
 * PC's update ring. Multi-range requests are off: the server (@fastify/send) answers a request for
 * several ranges with the whole file (200), which electron-updater takes as "no range support" and
 * downloads the whole installer instead of the changed blocks.
 */
export function feedOptions(server: string): FeedOptions {
  return {
    provider: 'generic',
    url: `${server.replace(/\/+$/, '')}/api/updates/`,
    useMultipleRangeRequest: false,
  };
}

/** The device token, which the server requires of every update request (only enrolled PCs update). */
export const authHeaders = (token: string) => ({ authorization: `Bearer ${token}` });

export type InstallDecision =
  /** Install now: no one is using this PC (the app restarts into the new version). */
  | { kind: 'now' }
  /** Install when the user quits the app. */
  | { kind: 'on-quit' }
  /** Keep the update: changes are unsent (`warning` says how many), or this PC cannot tell. */
  | { kind: 'wait'; warning: string };

export interface DecisionInput {
  /** The core's last status; null while it has not said (starting, locked, stopped). */
  status: PolicyStatus | null;
  /** The user chose, after the warning, to install with changes unsent. */
  agreed: boolean;
  /** How long the keyboard and mouse have been untouched. */
  idleMs: number;
  now: number;
}

/** When a downloaded update is installed (see the header). */
export function installDecision({ status, agreed, idleMs, now }: DecisionInput): InstallDecision {
  if (!status) {
    // Without the core's word the outbox may hold anything: the same rule as for unsent changes.
    return agreed
      ? { kind: 'on-quit' }
      : { kind: 'wait', warning: 'This PC cannot tell yet whether all its changes have reached the server.' };
  }
  const warning = quitWarning(status, now);
  if (warning) return agreed ? { kind: 'on-quit' } : { kind: 'wait', warning };
  if (status.user === null && idleMs >= IDLE_BEFORE_INSTALL_MS) return { kind: 'now' };
  return { kind: 'on-quit' };
}

export type QuitAnswer = 'keep-working' | 'quit' | 'quit-and-install';

/** The dialog shown when the user quits with changes unsent, as `dialog.showMessageBoxSync` takes it. */
export interface QuitQuestion {
  message: string;
  detail: string;
  buttons: string[];
  /** The answer of each button, by index. */
  answers: QuitAnswer[];
  /** Keep working is the default and the Escape key: a stray Enter loses nothing. */
  defaultId: number;
  cancelId: number;
}

/**
 * What to ask a user who quits: nothing when every change has reached the server (a ready update is
 * then installed); else the quit warning, and with an update ready, the choice to install it anyway.
 */
export function quitQuestion(input: {
  status: PolicyStatus | null;
  /** The version downloaded and ready to install, if any. */
  update: string | null;
  now: number;
}): QuitQuestion | null {
  const warning = input.status ? quitWarning(input.status, input.now) : null;
  if (!warning) return null;
  const base = { message: 'Changes not yet sent', defaultId: 0, cancelId: 0 };
  if (!input.update)
    return { ...base, detail: warning, buttons: ['Keep working', 'Quit'], answers: ['keep-working', 'quit'] };
  return {
    ...base,
    detail:
      `${warning}\n\nVersion ${input.update} of the app is ready. It is installed when you quit with every change ` +
      'sent; install it now only if IT asked you to.',
    buttons: ['Keep working', 'Quit', 'Quit and install the update'],
    answers: ['keep-working', 'quit', 'quit-and-install'],
  };
}

/**
 * An error's first line, cut to `max` characters: what a log line may carry (later lines of the
 * updater's errors hold response headers, of a certificate error the certificate).
 */
export function firstLine(error: unknown, max = 300): string {
  const message = (error as { message?: unknown } | null)?.message;
  return (typeof message === 'string' ? message : String(error)).split('\n')[0]?.slice(0, max) ?? '';
}

export type FailureReason =
  /** The PC's ring offers no release (halted, or none yet): nothing to install, not an error. */
  | 'not-offered'
  /** Offline, refused, corrupt or another error: what the `failed` state says (main/common/update.ts). */
  | UpdateFailure;

const OFFLINE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/**
 * What an electron-updater failure means for this PC, and a one-line message fit for a log (the first
 * line only: later lines carry response headers). Read from the error's `code` and `statusCode`
 * rather than its class, since electron-updater's errors come from its own copy of their classes.
 */
export function classifyFailure(error: unknown): { reason: FailureReason; message: string } {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    statusCode?: unknown;
    message?: unknown;
  };
  const message = firstLine(error);
  const code = typeof e.code === 'string' ? e.code : '';
  // A 404 of the manifest: the server's `no_release` (the ring is halted or offers nothing yet).
  if (code === 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND') return { reason: 'not-offered', message };
  if (e.statusCode === 401 || e.statusCode === 403) return { reason: 'refused', message };
  if (code === 'ERR_CHECKSUM_MISMATCH' || /sha512 checksum mismatch/i.test(message))
    return { reason: 'corrupt', message };
  // Electron's `net` reports failures as `net::ERR_…` messages; Node's as error codes.
  if (
    OFFLINE_CODES.has(code) ||
    /net::ERR_(CONNECTION|NAME|INTERNET|ADDRESS|TIMED_OUT)|timed out/i.test(message)
  )
    return { reason: 'offline', message };
  return { reason: 'error', message };
}
