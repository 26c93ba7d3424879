/** What the shell and the core's utility process say to each other (besides the calls' frames). */
import type { CallFrame, HostFrame } from '../common/wire.ts';

export type ToCore = { start: { dataDir: string; key: string } } | { call: CallFrame } | { stop: true };

export type FromCore = { ready: true } | { failed: string } | { frame: HostFrame } | { stopped: true };
