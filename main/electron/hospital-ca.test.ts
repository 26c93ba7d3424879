/**
 * The hospital CA for the updater's downloads, against real certificates made here by `openssl`: the
 * hospital's CA, a server certificate it signed for the enrolled host, and the ones it must not
 * accept (expired, for another host, from another CA, from a CA forging the hospital CA's name, a CA
 * certificate, one for client authentication only). Electron's session is a recorder.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogFields, Logger } from '../core/logger.ts';
import {
  ACCEPT,
  ERR_CERT_AUTHORITY_INVALID,
  hospitalCaFile,
  hospitalCaVerifier,
  trustHospitalCa,
  USE_CHROMIUM,
  type VerifyRequest,
} from './hospital-ca.ts';

const HOST = 'sync.hospital.local';
const SERVER = `https://${HOST}:8443`;

const dir = mkdtempSync(join(tmpdir(), 'hms-hospital-ca-'));
const at = (name: string) => join(dir, name);
/**
 * Runs openssl in the test's folder: `words` split on spaces (file names here have none), then
 * `more` as they are.
 */
const openssl = (words: string, ...more: string[]) =>
  execFileSync('openssl', [...words.split(' '), ...more], { cwd: dir, stdio: 'pipe' }).toString();
const NEW_KEY = '-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes';

/** A CA named `cn`, self-signed, valid ten years; `keyId` sets its subject key identifier (hex). */
function makeCa(name: string, cn: string, keyId?: string): void {
  openssl(
    `req -x509 ${NEW_KEY} -keyout ${name}.key -out ${name}.pem -days 3650`,
    ...['-subj', `/CN=${cn}`, '-addext', 'basicConstraints=critical,CA:TRUE'],
    ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ...(keyId ? ['-addext', `subjectKeyIdentifier=${keyId}`] : []),
  );
}

/** A certificate's subject key identifier, as hex. */
const keyIdOf = (name: string) =>
  openssl(`x509 -in ${name}.pem -noout -ext subjectKeyIdentifier`).split('\n')[1]!.trim().replaceAll(':', '');

/**
 * A certificate for `cn` with the extensions `ext`, signed by the CA `ca`; `dates` (openssl `ca`'s
 * YYYYMMDDHHMMSSZ) for one outside today, else valid for a year from now.
 */
function makeLeaf(name: string, ca: string, cn: string, ext: string, dates?: [string, string]): void {
  openssl(`req -new ${NEW_KEY} -keyout ${name}.key -out ${name}.csr`, '-subj', `/CN=${cn}`);
  writeFileSync(at(`${name}.ext`), `${ext}\n`);
  const signed = `-in ${name}.csr -out ${name}.pem -extfile ${name}.ext`;
  if (!dates) {
    const serial = String(Date.now() + Math.floor(Math.random() * 1000));
    openssl(`x509 -req ${signed} -CA ${ca}.pem -CAkey ${ca}.key -set_serial ${serial} -days 365`);
    return;
  }
  // `openssl x509` (3.0) cannot set past dates; `openssl ca` can, with its bookkeeping files.
  writeFileSync(at('index.txt'), '');
  writeFileSync(at('serial'), '1000\n');
  const config =
    '[ca]\ndefault_ca = hospital\n[hospital]\ndatabase = index.txt\nnew_certs_dir = .\n' +
    'serial = serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\n';
  writeFileSync(at('ca.cnf'), config);
  openssl(
    `ca -batch -notext -config ca.cnf -cert ${ca}.pem -keyfile ${ca}.key ${signed}`,
    ...['-startdate', dates[0], '-enddate', dates[1]],
  );
}

const SERVER_EXT = (san: string) =>
  `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}`;
const pem = (name: string) => readFileSync(at(`${name}.pem`), 'utf8');

beforeAll(() => {
  makeCa('hospital', 'Hospital Root CA');
  makeCa('other', 'Some Other CA');
  // The hospital CA's name and key identifier, another key: only the signature tells them apart.
  makeCa('forger', 'Hospital Root CA', keyIdOf('hospital'));
  makeLeaf('server', 'hospital', HOST, SERVER_EXT(`DNS:${HOST}`));
  makeLeaf('expired', 'hospital', HOST, SERVER_EXT(`DNS:${HOST}`), ['20200101000000Z', '20210101000000Z']);
  makeLeaf('elsewhere', 'hospital', 'mail.hospital.local', SERVER_EXT('DNS:mail.hospital.local'));
  makeLeaf('foreign', 'other', HOST, SERVER_EXT(`DNS:${HOST}`));
  makeLeaf('forged', 'forger', HOST, SERVER_EXT(`DNS:${HOST}`));
  makeLeaf('client-only', 'hospital', HOST, `extendedKeyUsage=clientAuth\nsubjectAltName=DNS:${HOST}`);
  makeLeaf('by-ip', 'hospital', '10.20.0.5', SERVER_EXT('IP:10.20.0.5'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What Chromium asks when it found no trusted root for `cert` served as `hostname`. */
const unknownRoot = (cert: string, hostname = HOST): VerifyRequest => ({
  hostname,
  errorCode: ERR_CERT_AUTHORITY_INVALID,
  certificate: { data: pem(cert) },
});

describe('hospitalCaVerifier', () => {
  const verifier = (caPem = pem('hospital'), host = HOST) => {
    const v = hospitalCaVerifier({ host, caPem });
    if (!v) throw new Error('no verifier');
    return v;
  };

  it("accepts the enrolled server's certificate signed by the hospital CA, which Chromium did not know", () => {
    expect(verifier()(unknownRoot('server'))).toEqual({ result: ACCEPT, refused: null });
  });

  it('finds the hospital CA among other certificates of the file', () => {
    expect(verifier(pem('other') + pem('hospital'))(unknownRoot('server')).result).toBe(ACCEPT);
  });

  it('accepts a server addressed by IP when the certificate names that IP', () => {
    expect(verifier(pem('hospital'), '10.20.0.5')(unknownRoot('by-ip', '10.20.0.5')).result).toBe(ACCEPT);
  });

  it.each([
    ['expired', /expired/],
    ['elsewhere', /does not name sync\.hospital\.local/],
    ['foreign', /not signed by the hospital CA/],
    ['forged', /not signed by the hospital CA/],
    ['client-only', /not for TLS servers/],
    ['hospital', /CA certificate/],
  ])('keeps Chromium’s refusal of the enrolled host’s %s certificate, saying why', (cert, why) => {
    const verdict = verifier()(unknownRoot(cert));
    expect(verdict.result).toBe(USE_CHROMIUM);
    expect(verdict.refused).toMatch(why);
  });

  it('refuses a server certificate when the hospital CA certificate itself is not valid at that time', () => {
    const v = hospitalCaVerifier(
      { host: HOST, caPem: pem('hospital') },
      () => Date.now() + 20 * 365 * 86_400_000,
    );
    expect(v?.(unknownRoot('server'))).toMatchObject({
      result: USE_CHROMIUM,
      refused: expect.stringMatching(/hospital CA certificate is expired/),
    });
  });

  it('leaves every other host to Chromium, even with a certificate the hospital CA signed', () => {
    expect(verifier()(unknownRoot('elsewhere', 'mail.hospital.local'))).toEqual({
      result: USE_CHROMIUM,
      refused: null,
    });
  });

  it('leaves to Chromium what it trusted itself, and every fault other than an unknown root', () => {
    const v = verifier();
    const good = pem('server');
    expect(v({ hostname: HOST, errorCode: 0, certificate: { data: good } }).result).toBe(USE_CHROMIUM);
    for (const errorCode of [-200 /* common name */, -201 /* date */, -206 /* revoked */, -207 /* invalid */])
      expect(v({ hostname: HOST, errorCode, certificate: { data: good } })).toEqual({
        result: USE_CHROMIUM,
        refused: null,
      });
  });

  it('refuses what is not a certificate, and trusts nothing from a file without one', () => {
    expect(verifier()({ ...unknownRoot('server'), certificate: { data: 'garbage' } }).result).toBe(
      USE_CHROMIUM,
    );
    expect(hospitalCaVerifier({ host: HOST, caPem: 'not a certificate' })).toBeNull();
  });
});

describe('hospitalCaFile', () => {
  it('takes HMS_SERVER_CA_FILE first, else hospital-ca.pem in the data folder if IT dropped it there', () => {
    expect(hospitalCaFile('/etc/hms/ca.pem', '/data', () => true)).toBe('/etc/hms/ca.pem');
    expect(hospitalCaFile(undefined, '/data', (p) => p === join('/data', 'hospital-ca.pem'))).toBe(
      join('/data', 'hospital-ca.pem'),
    );
    expect(hospitalCaFile('', '/data', () => false)).toBeNull();
  });
});

describe('trustHospitalCa', () => {
  type Proc = Parameters<Electron.Session['setCertificateVerifyProc']>[0];
  const recorder = () => {
    const procs: Proc[] = [];
    const warnings: { message: string; fields?: LogFields }[] = [];
    const log: Logger = {
      debug: () => {},
      info: () => {},
      warn: (message, fields) => void warnings.push(fields ? { message, fields } : { message }),
      error: () => {},
      child: () => log,
    };
    return { session: { setCertificateVerifyProc: (p: Proc) => void procs.push(p) }, procs, warnings, log };
  };
  /** Runs the installed procedure on a request as Chromium would (only the fields it reads). */
  const ask = (proc: Proc, request: VerifyRequest) => {
    let answer: number | undefined;
    proc?.(request as Electron.Request, (result) => {
      answer = result;
    });
    return answer;
  };

  it("sets the procedure on the updater's session, and logs a refusal by host without the certificate", () => {
    const r = recorder();
    trustHospitalCa(r.session, {
      server: SERVER,
      caFile: at('hospital.pem'),
      readFile: (p) => readFileSync(p, 'utf8'),
      log: r.log,
    });
    const proc = r.procs.at(-1) ?? null;
    expect(proc).not.toBeNull();
    if (!proc) return;
    expect(ask(proc, unknownRoot('server'))).toBe(ACCEPT);
    expect(ask(proc, unknownRoot('foreign'))).toBe(USE_CHROMIUM);
    expect(r.warnings).toEqual([
      {
        message: 'update server certificate refused',
        fields: { host: HOST, why: 'the server certificate is not signed by the hospital CA' },
      },
    ]);
    expect(JSON.stringify(r.warnings)).not.toContain('BEGIN CERTIFICATE');
  });

  it('takes any earlier procedure off when there is no CA file, or it cannot be read', () => {
    const r = recorder();
    trustHospitalCa(r.session, { server: SERVER, caFile: null, readFile: () => '', log: r.log });
    trustHospitalCa(r.session, {
      server: SERVER,
      caFile: at('missing.pem'),
      readFile: (p) => readFileSync(p, 'utf8'),
      log: r.log,
    });
    trustHospitalCa(r.session, { server: SERVER, caFile: at('x.pem'), readFile: () => 'empty', log: r.log });
    expect(r.procs).toEqual([null, null, null]);
    expect(r.warnings.map((w) => w.message)).toEqual([
      'the hospital CA file cannot be read: updates trust the OS store only',
      'the hospital CA file holds no certificate: updates trust the OS store only',
    ]);
  });
});
