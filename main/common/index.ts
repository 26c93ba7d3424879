/**
 * The whole contract: every domain's operations. `Api` is what `window.hms` is (preload and browser
 * mode alike); `Channel` names a call on the wire.
 */
import type { ApiOf, ChannelOf } from './contract.ts';
import { patients } from './patients.ts';
import { session } from './session.ts';
import { sync } from './sync.ts';

export const contract = { session, sync, patients } as const;

export type Contract = typeof contract;
export type Api = ApiOf<Contract>;
export type Channel = ChannelOf<Contract>;

export type { Envelope } from './contract.ts';
export type * from './patients.ts';
export type * from './session.ts';
export type * from './sync.ts';
