/**
 * The security checklist, read from the very functions the shell calls, with Electron's objects
 * replaced at their edge by recorders (the binary cannot run here).
 */
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../common/csp.ts';
import { IPC_CALL } from '../common/wire.ts';
import { openIpcDoor } from './ipc-door.ts';
import {
  guardContents,
  hardenSession,
  isTrustedSender,
  isVettedExternalUrl,
  windowOptions,
} from './security.ts';

describe('Electron security checklist', () => {
  it('isolates and sandboxes the page, with no Node in it', () => {
    const web = windowOptions('/app/preload.cjs').webPreferences;
    expect(web).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/preload.cjs',
    });
  });

  it('denies navigation away from the app and every new window; only vetted https links open outside', () => {
    const handlers = new Map<string, (event: { preventDefault(): void }, url: string) => void>();
    let openHandler: ((d: { url: string }) => { action: string }) | null = null;
    const opened: string[] = [];
    guardContents(
      {
        on: ((name: string, fn: (event: { preventDefault(): void }, url: string) => void) => {
          handlers.set(name, fn);
        }) as never,
        setWindowOpenHandler: ((fn: (d: { url: string }) => { action: string }) => {
          openHandler = fn;
        }) as never,
      },
      { openExternal: async (url: string) => void opened.push(url) },
      ['intranet.hospital.example'],
    );
    const prevented = (name: string, url: string) => {
      let p = false;
      handlers.get(name)?.(
        {
          preventDefault: () => {
            p = true;
          },
        },
        url,
      );
      return p;
    };
    expect(prevented('will-navigate', 'app://hms/index.html')).toBe(false);
    expect(prevented('will-navigate', 'https://evil.example/')).toBe(true);
    expect(prevented('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(prevented('will-redirect', 'http://10.0.0.1/')).toBe(true);
    expect(prevented('will-attach-webview', 'app://hms/')).toBe(true);
    const handler = openHandler as unknown as (d: { url: string }) => { action: string };
    expect(handler({ url: 'https://intranet.hospital.example/guide' }).action).toBe('deny');
    expect(handler({ url: 'https://evil.example/' }).action).toBe('deny');
    expect(handler({ url: 'http://intranet.hospital.example/' }).action).toBe('deny');
    expect(opened).toEqual(['https://intranet.hospital.example/guide']);
    expect(
      isVettedExternalUrl('https://user:pw@intranet.hospital.example/', ['intranet.hospital.example']),
    ).toBe(false);
  });

  it('refuses every permission request and sets a strict CSP on every response', () => {
    let request: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | null = null;
    let check: ((c: unknown, p: string) => boolean) | null = null;
    let headers:
      | ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void)
      | null = null;
    hardenSession({
      setPermissionRequestHandler: ((fn: typeof request) => {
        request = fn;
      }) as never,
      setPermissionCheckHandler: ((fn: typeof check) => {
        check = fn;
      }) as never,
      webRequest: {
        onHeadersReceived: ((fn: typeof headers) => {
          headers = fn;
        }) as never,
      } as never,
    });
    const answers: boolean[] = [];
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal'])
      (request as unknown as (c: unknown, p: string, cb: (ok: boolean) => void) => void)(null, p, (ok) =>
        answers.push(ok),
      );
    expect(answers).toEqual([false, false, false, false]);
    expect((check as unknown as (c: unknown, p: string) => boolean)(null, 'clipboard-read')).toBe(false);
    let out: { responseHeaders: Record<string, string[]> } | null = null;
    (headers as unknown as (d: unknown, cb: (r: unknown) => void) => void)(
      { responseHeaders: { 'content-type': ['text/html'] } },
      (r) => {
        out = r as typeof out;
      },
    );
    const csp = (out as unknown as { responseHeaders: Record<string, string[]> }).responseHeaders[
      'Content-Security-Policy'
    ];
    expect(csp).toEqual([contentSecurityPolicy([])]);
    expect(contentSecurityPolicy([])).toContain("script-src 'self'");
    expect(contentSecurityPolicy([])).toContain("connect-src 'none'");
    expect(contentSecurityPolicy([])).not.toContain('unsafe-eval');
  });

  it('answers IPC only from the app top frame', async () => {
    let door: ((e: unknown, channel: unknown, args: unknown) => unknown) | null = null;
    const calls: unknown[] = [];
    openIpcDoor(
      {
        handle: ((name: string, fn: typeof door) => {
          expect(name).toBe(IPC_CALL);
          door = fn;
        }) as never,
      },
      async (channel) => {
        calls.push(channel);
        return { ok: true, value: null };
      },
    );
    const call = door as unknown as (e: unknown, channel: unknown, args: unknown) => Promise<unknown>;
    const top = { senderFrame: { url: 'app://hms/index.html', parent: null } };
    const framed = { senderFrame: { url: 'app://hms/index.html', parent: {} } };
    const foreign = { senderFrame: { url: 'https://evil.example/', parent: null } };
    expect(await call(top, 'sync.status', {})).toEqual({ ok: true, value: null });
    expect(await call(framed, 'sync.status', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(foreign, 'sync.status', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call({ senderFrame: null }, 'sync.status', {})).toMatchObject({ ok: false });
    expect(calls).toEqual(['sync.status']);
    expect(isTrustedSender(undefined)).toBe(false);
  });
});
