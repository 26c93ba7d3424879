/**
 * Browser mode over real HTTP and a real WebSocket: only a page it served, holding this launch's
 * token, gets through; a malformed call changes nothing and is answered (or the socket closed) in words.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BRIDGE_PATH, type HostFrame, protocolsFor } from '../common/wire.ts';
import { WorkstationHost } from '../core/host.ts';
import { type BrowserMode, startBrowserMode } from './server.ts';

describe('browser mode', () => {
  let dir: string;
  let host: WorkstationHost;
  let ui: BrowserMode;
  const token = 'f'.repeat(64);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hms-browser-'));
    mkdirDist(dir);
    host = await WorkstationHost.open({ dataDir: join(dir, 'data'), key: 'test-key' });
    ui = await startBrowserMode({ host, staticDir: join(dir, 'dist'), port: 0, token });
  });
  afterAll(async () => {
    await ui.close();
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function mkdirDist(root: string) {
    const dist = join(root, 'dist');
    mkdirSync(dist);
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>HMS</title>');
  }

  const origin = () => `http://127.0.0.1:${ui.port}`;
  const connect = (opts: { token?: string; origin?: string } = {}) =>
    new Promise<WebSocket>((resolve, reject) => {
      const s = new WebSocket(`ws://127.0.0.1:${ui.port}${BRIDGE_PATH}`, protocolsFor(opts.token ?? token), {
        origin: opts.origin ?? origin(),
      });
      s.once('open', () => resolve(s));
      s.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      s.once('error', reject);
    });
  const ask = (s: WebSocket, frame: unknown) =>
    new Promise<HostFrame>((resolve) => {
      s.once('message', (d) => resolve(JSON.parse(d.toString()) as HostFrame));
      s.send(JSON.stringify(frame));
    });

  it('serves the app with its token only in the fragment, a strict CSP and no caching', async () => {
    expect(ui.url).toBe(`${origin()}/#token=${token}`);
    const res = await fetch(`${origin()}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    // An unknown path is the app (its own navigation), never a directory listing or a file outside.
    expect(await (await fetch(`${origin()}/patients/123`)).text()).toContain('<title>HMS</title>');
    expect(await (await fetch(`${origin()}/../../etc/passwd`)).text()).not.toContain('root:');
  });

  it('refuses a wrong token, a foreign origin and a foreign host name', async () => {
    await expect(connect({ token: '0'.repeat(64) })).rejects.toThrow('HTTP 401');
    await expect(connect({ origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    const rebound = await new Promise<number>((resolve, reject) =>
      get({ host: '127.0.0.1', port: ui.port, path: '/', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).once('error', reject),
    );
    expect(rebound).toBe(421);
  });

  it('answers calls through the host, and bad arguments with the fields at fault', async () => {
    const s = await connect();
    const state = await ask(s, { id: 1, channel: 'setup.state', args: {} });
    expect(state).toEqual({
      id: 1,
      envelope: {
        ok: true,
        value: {
          locked: false,
          firstPassphrase: false,
          enrolled: false,
          server: null,
          workstationCode: null,
          kind: null,
        },
      },
    });
    const bad = await ask(s, { id: 2, channel: 'setup.enroll', args: { server: 'ftp://x', code: '' } });
    expect(bad).toMatchObject({ id: 2, envelope: { ok: false, error: { code: 'invalid_arguments' } } });
    const fields =
      'envelope' in bad && !bad.envelope.ok ? bad.envelope.error.issues?.map((i) => i.field) : [];
    expect(fields?.sort()).toEqual(['code', 'server']);
    const early = await ask(s, { id: 3, channel: 'patients.search', args: { query: 'x' } });
    expect(early).toMatchObject({ id: 3, envelope: { ok: false, error: { code: 'not_enrolled' } } });
    s.close();
  });

  it('closes the socket on a frame that is not a call, and nothing runs', async () => {
    const s = await connect();
    const closed = new Promise<number>((resolve) => s.once('close', (code) => resolve(code)));
    s.send('{"id": "one", "channel": 5}');
    expect(await closed).toBe(1007);
    expect(host.state().enrolled).toBe(false);
  });
});
