import { LIVE_TIMEOUT_MS } from '../../../db/sync-contract.ts';

/** The `fetch` the core's network calls use: injected by tests (and proxies), the global one otherwise. */
export type FetchLike = typeof fetch;

export interface ShapeTimeouts {
  /** A snapshot chunk or catch-up read: the server answers as soon as it has read the rows. */
  readMs: number;
  /** A live request: the server holds it up to LIVE_TIMEOUT_MS, then answers up-to-date. */
  liveMs: number;
}

/** Generous: a 10,000-row chunk from a busy server takes seconds, not tens of seconds. */
export const SHAPE_TIMEOUTS: ShapeTimeouts = { readMs: 30_000, liveMs: LIVE_TIMEOUT_MS + 15_000 };

/**
 * Shape requests with a deadline. A request sent into a dead connection (a cable pulled, a firewall
 * dropping packets) otherwise waits for TCP to give up, minutes later, and its table stops syncing
 * until then; past the deadline it fails, and the client retries it with back-off. The caller's own
 * abort still ends it at once.
 */
export function withShapeTimeouts(f: FetchLike, limits: ShapeTimeouts = SHAPE_TIMEOUTS): FetchLike {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const ms = url.searchParams.get('live') === 'true' ? limits.liveMs : limits.readMs;
    const deadline = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return f(input, { ...init, signal });
  };
}
