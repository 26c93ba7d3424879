import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withShapeTimeouts } from './fetch.ts';

/** A server that takes requests and never answers them: a connection whose packets go nowhere. */
describe('withShapeTimeouts', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer(() => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/shape?table=patients`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const limits = { readMs: 200, liveMs: 1_500 };

  it('gives up on a read that never answers after readMs', async () => {
    const f = withShapeTimeouts(fetch, limits);
    const started = Date.now();
    await expect(f(`${base}&offset=-1`)).rejects.toThrow(/timeout|aborted/i);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('gives a live request the longer liveMs', async () => {
    const f = withShapeTimeouts(fetch, limits);
    const live = f(`${base}&offset=3_inf&live=true`).then(
      () => 'answered',
      () => 'failed',
    );
    const early = await Promise.race([live, new Promise((r) => setTimeout(() => r('pending'), 600))]);
    expect(early).toBe('pending');
    expect(await live).toBe('failed');
  });

  it("the caller's abort still ends the request at once", async () => {
    const f = withShapeTimeouts(fetch, { readMs: 60_000, liveMs: 60_000 });
    const abort = new AbortController();
    const p = f(`${base}&offset=-1`, { signal: abort.signal });
    abort.abort();
    await expect(p).rejects.toThrow(/abort/i);
  });
});
