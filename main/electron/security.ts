/**
 * The Electron security checklist as plain functions over the parts of `electron` they touch, so each
 * setting is unit-tested as the shell really uses it (the binary cannot run on our build machines).
 * https://www.electronjs.org/docs/latest/tutorial/security
 */
import type { BrowserWindowConstructorOptions, Session, Shell, WebContents } from 'electron';
import { contentSecurityPolicy } from '../common/csp.ts';
import { APP_ORIGIN } from './app-protocol.ts';

/** The window's web preferences: isolated, sandboxed, no Node in the page. */
export function windowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'HMS',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** Addresses the app may hand to the system browser: the hospital's own https pages, nothing else. */
export function isVettedExternalUrl(url: string, allowedHosts: readonly string[]): boolean {
  try {
    const u = new URL(url);
    return (
      u.protocol === 'https:' && allowedHosts.includes(u.hostname) && u.username === '' && u.password === ''
    );
  } catch {
    return false;
  }
}

/** A page may only ever be the app: no navigation away, no new windows (vetted links go to the OS browser). */
export function guardContents(
  contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>,
  shell: Pick<Shell, 'openExternal'>,
  allowedHosts: readonly string[],
): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isVettedExternalUrl(url, allowedHosts)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/** Every permission (camera, notifications, geolocation…) refused unless listed; none are today. */
export const ALLOWED_PERMISSIONS: readonly string[] = [];

export function hardenSession(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'>,
): void {
  session.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(ALLOWED_PERMISSIONS.includes(permission)),
  );
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.includes(permission));
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy([])] },
    });
  });
}

/** The one IPC door accepts calls only from the app's own top frame. */
export function isTrustedSender(frame: { url: string; parent: unknown } | null | undefined): boolean {
  return Boolean(frame) && frame?.parent === null && (frame?.url ?? '').startsWith(`${APP_ORIGIN}/`);
}
