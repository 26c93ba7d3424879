/**
 * The whole contract. `contract` is what the workstation core answers once the PC is enrolled;
 * `appContract` adds the host's first-run `setup` operations, and `Hms` (what `window.hms` is, in
 * Electron and in the browser mode alike) is its client plus the core's events.
 */
import { admin } from './admin.ts';
import type { ApiOf, ChannelOf } from './contract.ts';
import { patients } from './patients.ts';
import { session } from './session.ts';
import { setup } from './setup.ts';
import { sync, type WorkstationStatus } from './sync.ts';

export const contract = { session, sync, patients, admin } as const;
export const appContract = { setup, ...contract } as const;

export type Contract = typeof contract;
export type AppContract = typeof appContract;
export type Api = ApiOf<Contract>;
export type Channel = ChannelOf<AppContract>;

/** What the core tells the screens without being asked: which tables changed, the new status. */
export interface HmsEvents {
  change: string[];
  status: WorkstationStatus;
}
export type HmsEventName = keyof HmsEvents;
export const HMS_EVENTS: readonly HmsEventName[] = ['change', 'status'];

/** `window.hms`: every operation, and a subscription to the core's events (returns the unsubscribe). */
export type Hms = ApiOf<AppContract> & {
  on<E extends HmsEventName>(event: E, listener: (payload: HmsEvents[E]) => void): () => void;
};

export type * from './admin.ts';
export { clientOf, type Envelope, type Transport } from './contract.ts';
export type * from './patients.ts';
export type * from './session.ts';
export type * from './setup.ts';
export type * from './sync.ts';
