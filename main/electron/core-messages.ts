/** What the shell and the core's utility process say to each other (besides the calls' frames). */
import type { CallFrame, HostFrame } from '../common/wire.ts';

/** `key` null: the PC has no OS secret store; the core asks for the passphrase on the first screen. */
export type ToCore =
  | { start: { dataDir: string; key: string | null; appVersion: string } }
  /** The user chose to move a damaged database aside: salvage it, then start on a fresh one. */
  | { recover: { dataDir: string; key: string } }
  | { call: CallFrame }
  | { stop: true };

export type FromCore =
  | { ready: true }
  /** `damaged`: the local database is damaged; the shell offers to move it aside (`recover`). */
  | { failed: string; damaged?: boolean }
  | { frame: HostFrame }
  /**
   * The enrolled server and this PC's device token, for the shell's updater (`updater.ts`): once the
   * core is open and enrolled, and again if the PC is enrolled anew.
   */
  | { updateFeed: { server: string; token: string } }
  | { stopped: true };
