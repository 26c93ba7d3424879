/**
 * How a workstation reaches its sync server safely: passwords, tokens and patient data never cross
 * the hospital LAN in clear. An `http://` address is accepted for this machine only (loopback: the
 * demo, a server on the same PC); anything else must be `https://`, unless IT says `--insecure`
 * (a lab bench, a network that encrypts below HTTP). A hospital whose certificates come from its own
 * CA gives the CA's PEM file, and the core trusts it for the sync server's connections only.
 */
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import { err, ok, type Result } from '../../db/primitives/index.ts';
import type { FetchLike } from './sync/fetch.ts';

/** True for this machine's own addresses: nothing sent to them leaves the PC. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The server address as the core will use it, or why it may not be used. */
export function checkServerUrl(address: string, insecure = false): Result<string> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return err('bad_url', `the sync server address is not a URL: ${address}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return err('bad_url', 'the sync server address must start with https:// (or http:// on this machine)');
  if (url.username || url.password || url.search || url.hash)
    return err('bad_url', 'give the sync server address alone, without a user name, query or #');
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !insecure)
    return err(
      'insecure_server',
      `refusing plain http:// to ${url.host}: passwords and patient data would cross the network unencrypted. ` +
        'Use the https:// address (and the hospital CA file if IT gave one), or start with --insecure if IT says so.',
    );
  return ok(url.origin + url.pathname.replace(/\/+$/, ''));
}

/** A fetch that trusts the hospital's CA (PEM file) besides the system's, for the sync server. */
export function fetchTrusting(caFile: string): FetchLike {
  const dispatcher = new Agent({ connect: { ca: readFileSync(caFile) } });
  // undici's fetch is the one node's global fetch is built from; its types are its own, not the DOM's.
  return ((input: Parameters<FetchLike>[0], init?: Parameters<FetchLike>[1]) =>
    undiciFetch(input instanceof Request ? input.url : String(input), {
      ...(init as object),
      dispatcher,
    } as Parameters<typeof undiciFetch>[1])) as unknown as FetchLike;
}
