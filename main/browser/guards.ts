/**
 * The browser mode's locks (DESIGN §2): it listens on loopback only, and a page may use the bridge
 * only if it was served by this process (same origin, right Host) and holds the per-launch token. A
 * web page in another tab, or a DNS-rebinding site resolving to 127.0.0.1, fails one of these.
 */
import { timingSafeEqual } from 'node:crypto';
import { contentSecurityPolicy } from '../common/csp.ts';
import { PROTOCOL, TOKEN_PREFIX } from '../common/wire.ts';

export { PROTOCOL };

/** The names this process answers to: `127.0.0.1:<port>` and `localhost:<port>`. */
export const hostsFor = (port: number): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];

/** A Host header naming this process (a rebinding attack names the attacker's domain). */
export const isOwnHost = (host: string | undefined, port: number): boolean =>
  host !== undefined && hostsFor(port).includes(host.toLowerCase());

/** An Origin header of a page this process served. */
export const isOwnOrigin = (origin: string | undefined, port: number): boolean =>
  origin !== undefined && hostsFor(port).some((h) => origin.toLowerCase() === `http://${h}`);

/** True when the offered subprotocols speak ours and carry this launch's token. */
export function offersToken(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const offered = header.split(',').map((p) => p.trim());
  if (!offered.includes(PROTOCOL)) return false;
  const given = offered.find((p) => p.startsWith(TOKEN_PREFIX))?.slice(TOKEN_PREFIX.length);
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The page's Content-Security-Policy: the shared one, with network only back to this process. */
export const pagePolicy = (port: number): string =>
  contentSecurityPolicy(["'self'", ...hostsFor(port).map((h) => `ws://${h}`)]);
