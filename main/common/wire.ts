/**
 * How calls travel (DESIGN §2). The browser mode's WebSocket frames: the page sends calls, the host
 * answers each by its id and pushes the core's events. Electron's IPC carries the same calls on two
 * channels, and the shell relays them to the core's utility process as these same frames.
 */
import { z } from 'zod';
import type { Envelope } from './contract.ts';
import type { HmsEventName, HmsEvents } from './index.ts';

export const CallFrame = z.strictObject({
  id: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31),
  channel: z.string().min(1).max(200),
  args: z.unknown(),
});
export type CallFrame = z.infer<typeof CallFrame>;

export type ResultFrame = { id: number; envelope: Envelope<unknown> };
export type EventFrame = { [E in HmsEventName]: { event: E; payload: HmsEvents[E] } }[HmsEventName];
export type HostFrame = ResultFrame | EventFrame;

/** A call larger than this is refused unread (a patient form is a few kilobytes). */
export const MAX_FRAME_BYTES = 1_000_000;

/** Where the page finds its per-launch token: the URL's fragment, never sent to a server or a log. */
export const TOKEN_FRAGMENT = 'token';
export const BRIDGE_PATH = '/bridge';

/** The subprotocol that carries the token: browsers cannot set headers on a WebSocket. */
export const PROTOCOL = 'hms.v1';
export const TOKEN_PREFIX = 'token.';

/** What the page offers as `Sec-WebSocket-Protocol`: `hms.v1, token.<hex>`. */
export const protocolsFor = (token: string): string[] => [PROTOCOL, `${TOKEN_PREFIX}${token}`];

/** Electron: the page's calls (`invoke`) and the core's events (`send`). */
export const IPC_CALL = 'hms:call';
export const IPC_EVENT = 'hms:event';
