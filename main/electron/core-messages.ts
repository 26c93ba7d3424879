/** What the shell and the core's utility process say to each other (besides the calls' frames). */
import type { CallFrame, HostFrame } from '../common/wire.ts';

/** `key` null: the PC has no OS secret store; the core asks for the passphrase on the first screen. */
export type ToCore =
  | { start: { dataDir: string; key: string | null } }
  | { call: CallFrame }
  | { stop: true };

export type FromCore = { ready: true } | { failed: string } | { frame: HostFrame } | { stopped: true };
