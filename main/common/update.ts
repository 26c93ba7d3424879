/**
 * The app's updater as the screens see it: the state `main/electron/updater.ts` keeps, which the
 * Electron shell sends as its `update` event. Defined here, in the contract, so the shell that sends
 * it and the status bar that words it cannot drift apart. The browser mode has no updater and never
 * sends it.
 */

/** Why a check or a download failed (a halted ring is not a failure: it is `not-offered`). */
export type UpdateFailure =
  /** The server could not be reached. */
  | 'offline'
  /** The server refused this PC's device token (revoked, or never enrolled). */
  | 'refused'
  /** The downloaded installer did not match its sha512: refused, nothing installed. */
  | 'corrupt'
  | 'error';

/** When a ready update goes in (`update-policy.ts` `installDecision`). */
export type UpdateInstall =
  /** No one is using this PC: the app restarts into it now. */
  | 'now'
  /** When the user quits the app. */
  | 'on-quit'
  /** Not before this PC's unsent changes have reached the server (or the user agrees to install anyway). */
  | 'wait';

export type UpdateState =
  /** No feed yet: this PC is not enrolled, or its core has not opened. */
  | { kind: 'idle' }
  /** This build does not update itself (not packaged; on Linux, not an AppImage). */
  | { kind: 'disabled' }
  | { kind: 'checking' }
  /** The ring offers this version or an older one. */
  | { kind: 'current'; version: string }
  /** The ring is halted or offers no release yet. */
  | { kind: 'not-offered' }
  | { kind: 'downloading'; version: string; percent: number }
  /** Downloaded and verified (sha512); `install` says when it goes in. */
  | { kind: 'ready'; version: string; install: UpdateInstall }
  /** `message`: electron-updater's first line (no token, no patient data), for IT. */
  | { kind: 'failed'; reason: UpdateFailure; message: string };
