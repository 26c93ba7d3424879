/**
 * The UI is served from `app://hms/…`, not `file://`: a file URL would give the page the whole disk as
 * its origin. Every request is mapped into the renderer's folder, and one that climbs out of it
 * (`..`, an encoded `%2e%2e`, an absolute path) is refused. Every answer carries the app's
 * Content-Security-Policy itself: Electron fires no header events for a custom protocol, so a policy
 * added there never reached these pages.
 */
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy } from '../common/csp.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'hms';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The file a request names inside `root`, or null when it is not ours or climbs out of `root`. */
export function resolveAppPath(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const wanted = path === '/' || path === '' ? 'index.html' : path.replace(/^\/+/, '');
  const full = normalize(join(root, wanted));
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..') || isAbsolute(rel)) return null;
  return full;
}

/**
 * The answer to one `app://` request: the file from `root` (read through `fetchFile`, Electron's
 * `net.fetch` in the app) with the Content-Security-Policy on it, or 404.
 */
export async function serveAppRequest(
  root: string,
  requestUrl: string,
  fetchFile: (fileUrl: string) => Promise<Response>,
): Promise<Response> {
  const file = resolveAppPath(root, requestUrl);
  if (!file) return new Response('not found', { status: 404 });
  const res = await fetchFile(pathToFileURL(file).toString());
  const headers = new Headers(res.headers);
  headers.set('Content-Security-Policy', contentSecurityPolicy([]));
  return new Response(res.body, { status: res.status, headers });
}
