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
import type { UpdateState } from './update.ts';

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

/**
 * What the Electron shell itself tells the screens: its updater's state, whenever it changes and when
 * the page loads. The browser mode has no shell and never sends it. Shell events are states, not
 * happenings: the preload gives a late listener the last one.
 */
export interface ShellEvents {
  update: UpdateState;
}
export type ShellEventName = keyof ShellEvents;
export const SHELL_EVENTS: readonly ShellEventName[] = ['update'];

/** Every event a page may hear, from the core or from the shell, on the one event channel. */
export type PageEvents = HmsEvents & ShellEvents;
export type PageEventName = keyof PageEvents;

/** `window.hms`: every operation, and a subscription to the events (returns the unsubscribe). */
export type Hms = ApiOf<AppContract> & {
  on<E extends PageEventName>(event: E, listener: (payload: PageEvents[E]) => void): () => void;
};

export type * from './admin.ts';
export { clientOf, type Envelope, type Transport } from './contract.ts';
export type * from './patients.ts';
export type * from './session.ts';
export type * from './setup.ts';
export type * from './sync.ts';
export type * from './update.ts';
