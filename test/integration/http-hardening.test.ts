/**
 * The server's HTTP edge under abuse, over real sockets: a caller without a token is answered before
 * its body is read, a request that trickles in is cut off, and with a certificate the server speaks
 * only HTTPS (a self-signed hospital CA made with openssl, trusted by the client through undici).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workstation } from '../../main/core/workstation.ts';
import { eventually } from '../support/eventually.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

/** Sends headers announcing `length` bytes and only `sent` of them; resolves with the status, if any comes. */
function partialPost(url: string, path: string, length: number, sent: number, waitMs: number) {
  return new Promise<number | 'no answer'>((resolve) => {
    const req = httpRequest(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(length) },
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve('no answer');
    }, waitMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      res.resume();
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => undefined);
    req.write('['.padEnd(sent, ' '));
  });
}

describe('the HTTP edge', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { requestTimeoutMs: 1_000 } });
  });
  afterAll(async () => server?.close());

  it('answers 401 to an upload without a device token before reading its 8 MB body', async () => {
    expect(await partialPost(server.url, '/api/sync/mutations', 8 * 1024 * 1024 - 1, 1024, 3_000)).toBe(401);
  });

  it('answers 401 to an admin call without a token before reading its body', async () => {
    expect(await partialPost(server.url, '/api/users', 900_000, 1024, 3_000)).toBe(401);
  });

  it('refuses a big body on the sign-in route at once', async () => {
    expect(await partialPost(server.url, '/api/auth/login', 200_000, 1024, 3_000)).toBe(413);
  });

  it('cuts off a request whose body trickles in', async () => {
    const { port } = new URL(server.url);
    const closed = await new Promise<{ ms: number; answer: string }>((resolve) => {
      const started = Date.now();
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user',
        );
      });
      let answer = '';
      socket.on('data', (d) => {
        answer += d.toString();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve({ ms: Date.now() - started, answer }));
      setTimeout(() => socket.destroy(), 10_000);
    });
    expect(closed.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closed.ms).toBeLessThan(5_000);
  });
});

describe('HTTPS on the hospital LAN', () => {
  let server: TestServer;
  let dir: string;
  let ca: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hms-tls-'));
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    // A hospital CA, and a server certificate it signs for 127.0.0.1.
    run(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Test Hospital CA',
    );
    run(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=sync.hospital.test',
    );
    run(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'san.ext',
    );
    ca = readFileSync(join(dir, 'ca.pem'));
    server = await startTestServer({
      config: { tls: { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key') } },
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS to a client that trusts the hospital CA, and nothing to one that does not', async () => {
    expect(server.url).toMatch(/^https:/);
    const trusted = new Agent({ connect: { ca } });
    const res = await undiciFetch(`${server.url}/api/health`, { dispatcher: trusted });
    expect(res.status).toBe(200);
    await expect(undiciFetch(`${server.url}/api/health`)).rejects.toThrow();
    // Plain HTTP on the same port gets no answer it could read.
    const plain = await fetch(`${server.url.replace('https:', 'http:')}/api/health`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(plain).not.toBe(200);
  });

  it('enrols a workstation over HTTPS when it is given the hospital CA, and refuses plain http to the LAN', async () => {
    const { enrollment_code } = await server.createWorkstation({ name: 'TLS desk', kind: 'reception' });
    const dataDir = mkdtempSync(join(tmpdir(), 'hms-tls-ws-'));
    const base = { dataDir, key: 'k'.repeat(64), enrollmentCode: enrollment_code };
    // Without the CA, the server's certificate is not trusted: enrolment fails, nothing is stored.
    await expect(Workstation.start({ ...base, server: server.url })).rejects.toThrow();
    const ws = await Workstation.start({ ...base, server: server.url, serverCaFile: join(dir, 'ca.pem') });
    try {
      await ws.syncNow();
      expect(ws.status()).toMatchObject({ online: true, kind: 'reception' });
    } finally {
      await ws.stop();
    }
    await expect(
      Workstation.start({
        dataDir: mkdtempSync(join(tmpdir(), 'hms-ws-')),
        key: 'k'.repeat(64),
        server: 'http://10.0.0.2:8080',
        enrollmentCode: 'x',
      }),
    ).rejects.toMatchObject({ code: 'insecure_server' });
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('a server whose database is cut off', () => {
  let server: TestServer;
  let proxy: TcpProxy;
  let db: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    db = await createTestDatabase('hms_cutoff');
    const target = new URL(db.url);
    proxy = new TcpProxy(Number(target.port || 5432));
    await proxy.start();
    target.port = String(proxy.port);
    server = await startTestServer({ url: target.toString() });
  });
  afterAll(async () => {
    proxy.pass();
    await server?.close();
    await proxy?.stop();
    await db?.drop();
  });

  it('answers 503 with Retry-After (not a 500) while Postgres cannot be reached, and recovers', async () => {
    const token = await server.login('admin', ADMIN_PASSWORD);
    const users = () => fetch(`${server.url}/api/users`, { headers: { authorization: `Bearer ${token}` } });
    expect((await users()).status).toBe(200);
    proxy.cut();
    const down = await users();
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(((await down.json()) as { error: string }).error).toBe('database_unavailable');
    expect((await fetch(`${server.url}/api/health`)).status).toBe(503);
    proxy.pass();
    await eventually(async () => (await users()).status === 200, 'answers again once Postgres is back');
  });
});
