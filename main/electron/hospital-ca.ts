/**
 * The hospital's own CA, for the app's updates. Hospitals serve the sync server over HTTPS with a
 * certificate from their own CA, which the core trusts from a PEM file (`server-link.ts`). The
 * updater downloads through Electron's `net`, which trusts only the OS store: where IT has not
 * installed the CA in the OS, every update check failed with ERR_CERT_AUTHORITY_INVALID.
 *
 * So the shell adds the same CA file to the updater's session, and no further than needed: only when
 * Chromium itself found no trusted root (any other fault, such as a revoked, misnamed or malformed
 * certificate, keeps Chromium's verdict), only for the enrolled server's host, and only for a
 * certificate that a CA of that file signed, that is valid now and that names the host. Everything
 * else keeps Chromium's verdict. Plain Node here (`node:crypto`); `main.ts` applies it to the session.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { Session } from 'electron';
import type { Logger } from '../core/logger.ts';
import { firstLine } from './update-policy.ts';

/** `setCertificateVerifyProc`'s answers: accept, or use Chromium's own result. */
export const ACCEPT = 0;
export const USE_CHROMIUM = -3;
/** Chromium's net error for a chain to a root it does not know (net/base/net_error_list.h). */
export const ERR_CERT_AUTHORITY_INVALID = -202;

/**
 * Where IT puts the hospital's CA: `HMS_SERVER_CA_FILE`, else `hospital-ca.pem` in the data folder.
 * The core and the shell both ask here, so they trust the same file.
 */
export function hospitalCaFile(
  configured: string | undefined,
  dataDir: string,
  exists: (path: string) => boolean,
): string | null {
  if (configured) return configured;
  const dropped = join(dataDir, 'hospital-ca.pem');
  return exists(dropped) ? dropped : null;
}

/** Every certificate of a PEM bundle; what is not a certificate is skipped. */
export function parseCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const certs: X509Certificate[] = [];
  for (const block of blocks) {
    try {
      certs.push(new X509Certificate(block));
    } catch {
      // A damaged block: the others may still be the CA.
    }
  }
  return certs;
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_PURPOSE = '2.5.29.37.0';

const within = (cert: X509Certificate, now: number) =>
  cert.validFromDate.getTime() <= now && now <= cert.validToDate.getTime();

/** IPv6 hosts come bracketed in URLs, bare from Chromium. */
const bare = (host: string) => host.replace(/^\[|\]$/g, '').toLowerCase();

/**
 * Why the hospital's CAs (`cas`) do not vouch for the server certificate `leafPem` as `host` at `now`
 * (epoch ms); null when they do. The answer is a short sentence for the log (no certificate data).
 */
export function refusal(leafPem: string, cas: readonly X509Certificate[], host: string, now: number) {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(leafPem);
  } catch {
    return 'the server certificate cannot be read';
  }
  // A CA certificate is not a server certificate, whatever its name says.
  if (leaf.ca) return 'the server presented a CA certificate';
  const issuer = cas.find((ca) => ca.ca && leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
  if (!issuer) return 'the server certificate is not signed by the hospital CA';
  if (!within(issuer, now)) return 'the hospital CA certificate is expired or not yet valid';
  if (!within(leaf, now)) return 'the server certificate is expired or not yet valid';
  // No extended key usage: any use. Listed: it must allow TLS servers, as Chromium requires.
  const usage = leaf.keyUsage;
  if (usage && usage.length > 0 && !usage.includes(SERVER_AUTH) && !usage.includes(ANY_PURPOSE))
    return 'the server certificate is not for TLS servers';
  const h = bare(host);
  const named = isIP(h) ? leaf.checkIP(h) : leaf.checkHost(h);
  if (named === undefined) return `the server certificate does not name ${h}`;
  return null;
}

/** What `setCertificateVerifyProc` is given, as far as this decision reads it. */
export interface VerifyRequest {
  hostname: string;
  /** Chromium's own result: 0 trusted, else a net error. */
  errorCode: number;
  /** The server's certificate, PEM. */
  certificate: { data: string };
}

export interface Verdict {
  result: typeof ACCEPT | typeof USE_CHROMIUM;
  /** Set when the enrolled server's certificate was not accepted on the hospital CA's word. */
  refused: string | null;
}

/**
 * The verify procedure for the enrolled server `host` and the hospital CA bundle `caPem`, or null when
 * the bundle holds no certificate (nothing to trust). The CA is read once, here.
 */
export function hospitalCaVerifier(
  trust: { host: string; caPem: string },
  now: () => number = Date.now,
): ((request: VerifyRequest) => Verdict) | null {
  const cas = parseCertificates(trust.caPem);
  if (cas.length === 0) return null;
  const host = bare(trust.host);
  return (request) => {
    if (request.errorCode !== ERR_CERT_AUTHORITY_INVALID || bare(request.hostname) !== host)
      return { result: USE_CHROMIUM, refused: null };
    const why = refusal(request.certificate.data, cas, host, now());
    return why === null ? { result: ACCEPT, refused: null } : { result: USE_CHROMIUM, refused: why };
  };
}

/**
 * Applies the hospital CA to `session` (the updater's) for the enrolled `server`, or takes any earlier
 * procedure off when there is no CA file. Called at each update feed: the PC may be enrolled anew, and
 * IT may drop the file in later. Never throws: without the CA, updates only fail as they did before.
 */
export function trustHospitalCa(
  session: Pick<Session, 'setCertificateVerifyProc'>,
  opts: { server: string; caFile: string | null; readFile: (path: string) => string; log: Logger },
): void {
  const { log } = opts;
  let verify: ReturnType<typeof hospitalCaVerifier> = null;
  try {
    if (opts.caFile) {
      verify = hospitalCaVerifier({ host: new URL(opts.server).hostname, caPem: opts.readFile(opts.caFile) });
      if (!verify) log.warn('the hospital CA file holds no certificate: updates trust the OS store only');
    }
  } catch (e) {
    log.warn('the hospital CA file cannot be read: updates trust the OS store only', {
      message: firstLine(e),
    });
  }
  if (!verify) {
    session.setCertificateVerifyProc(null);
    return;
  }
  const proc = verify;
  session.setCertificateVerifyProc((request, callback) => {
    let verdict: Verdict = { result: USE_CHROMIUM, refused: null };
    try {
      verdict = proc(request);
    } catch (e) {
      verdict = { result: USE_CHROMIUM, refused: e instanceof Error ? e.message : String(e) };
    }
    // Host names only: a server certificate carries no patient data, and its PEM is not logged.
    if (verdict.refused)
      log.warn('update server certificate refused', { host: request.hostname, why: verdict.refused });
    callback(verdict.result);
  });
}
