/**
 * The app's updater end to end (issue 12): electron-updater's real client (the Windows updater, in
 * plain Node, no Electron) against the real sync server, with releases built by electron-builder's own
 * block-map builder. It finds the release of its PC's ring with the device token, downloads only the
 * changed blocks and verifies the file; a corrupted installer, a halted ring and a PC without a valid
 * token get nothing installed; and `updater.ts` around the same client turns each of these, and a
 * server that cannot be reached, into a state, never a throw.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../main/core/logger.ts';
import { authHeaders, feedOptions } from '../../main/electron/update-policy.ts';
import { Updater } from '../../main/electron/updater.ts';
import {
  CHANGED,
  installerBytes,
  type NodeClient,
  nodeClient,
  type Release,
  sha512,
  writeRelease,
} from '../support/release-fixture.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, type Station, startStation } from '../support/stations.ts';

/** Every byte the server writes to its sockets (headers included), from now on. */
function countBytesSent(server: Server) {
  const open = new Set<Socket>();
  let closed = 0;
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => {
      closed += socket.bytesWritten;
      open.delete(socket);
    });
  });
  return () => closed + [...open].reduce((n, s) => n + s.bytesWritten, 0);
}

/** A loopback address where nothing listens. */
async function deadAddress(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('the app’s updater, electron-updater’s client against the sync server', () => {
  const releasesDir = mkdtempSync(join(tmpdir(), 'hms-releases-'));
  const { v100: oldBytes, v110: newBytes } = installerBytes();
  let v100: Release;
  let v110: Release;
  let server: TestServer;
  let pc: { id: string; token: string };
  let bytesSent: () => number;
  const clients: NodeClient[] = [];

  /** A PC running 1.0.0, installed from its installer, pointed at the server as the app points it. */
  const pcClient = (token = pc.token) => {
    const client = nodeClient('1.0.0', oldBytes);
    clients.push(client);
    client.updater.setFeedURL(feedOptions(server.url));
    client.updater.requestHeaders = authHeaders(token);
    return client;
  };
  const offer = (release: string | null) => server.admin('PUT', '/api/update-rings/general', { release });
  /** What the client does: its events, and its check's outcome (the error it rejects with, if any). */
  const run = async (client: NodeClient) => {
    const events: string[] = [];
    const errors: Error[] = [];
    for (const event of ['update-available', 'update-not-available', 'update-downloaded'] as const)
      client.updater.on(event, () => events.push(event));
    client.updater.on('error', (e) => errors.push(e));
    const before = bytesSent();
    let files: string[] | null = null;
    let failure: (Error & { code?: string; statusCode?: number }) | null = null;
    try {
      const result = await client.updater.checkForUpdates();
      files = (await result?.downloadPromise) ?? null;
    } catch (e) {
      failure = e as Error;
    }
    return { events, errors, files, failure, sent: bytesSent() - before };
  };

  beforeAll(async () => {
    v100 = await writeRelease(releasesDir, { version: '1.0.0', bytes: oldBytes });
    v110 = await writeRelease(releasesDir, { version: '1.1.0', bytes: newBytes, previous: v100 });
    // The same release placed without the previous release's blockmap beside it.
    await writeRelease(releasesDir, { version: '1.1.0', folder: '1.1.0-alone', bytes: newBytes });
    // A release whose installer was damaged after its manifest was written, inside a changed block.
    const damaged = Buffer.from(newBytes);
    damaged[CHANGED[0].offset + 100]! ^= 0xff;
    await writeRelease(releasesDir, {
      version: '1.1.0',
      folder: '1.1.0-damaged',
      bytes: newBytes,
      previous: v100,
      served: damaged,
    });
    server = await startTestServer({ config: { releasesDir } });
    pc = await server.enrol({ name: 'Ward 4 desk', kind: 'reception' });
    bytesSent = countBytesSent(server.app.server);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.dispose();
  });
  afterAll(async () => {
    await server?.close();
    rmSync(releasesDir, { recursive: true, force: true });
  });

  it('finds 1.1.0 with the device token and downloads only the changed blocks, verified', async () => {
    await offer('1.1.0');
    const client = pcClient();
    const { events, errors, files, failure, sent } = await run(client);
    expect(failure).toBeNull();
    expect(errors).toEqual([]);
    expect(events).toEqual(['update-available', 'update-downloaded']);
    expect(files).toHaveLength(1);
    const downloaded = readFileSync(files![0]!);
    expect(downloaded.equals(v110.bytes)).toBe(true);
    expect(sha512(downloaded)).toBe(v110.sha512);
    // Manifest, two blockmaps and the changed blocks (a block is ~16 KB): a small part of 6 MB.
    const changed = CHANGED.reduce((n, c) => n + c.length, 0);
    expect(sent).toBeGreaterThan(changed);
    expect(sent).toBeLessThan(v110.bytes.length / 20);
    expect(client.logs.join('\n')).toMatch(/To download: .*\(\d%\)/);
    expect(client.logs.join('\n')).not.toMatch(/fallback to full download/);
    // Two changed regions, two single-range requests (the server answers one range per request).
    expect(client.logs.filter((l) => l.startsWith('download range: bytes='))).toHaveLength(2);
    expect(client.logs.join('\n')).not.toContain(pc.token);
  });

  it('falls back to the whole installer, still verified, when the release lacks the old blockmap', async () => {
    await offer('1.1.0-alone');
    const client = pcClient();
    const { events, files, failure, sent } = await run(client);
    expect(failure).toBeNull();
    expect(events).toEqual(['update-available', 'update-downloaded']);
    expect(sha512(readFileSync(files![0]!))).toBe(v110.sha512);
    expect(sent).toBeGreaterThan(v110.bytes.length);
    expect(client.logs.join('\n')).toMatch(/fallback to full download/);
  });

  it('would fetch the whole installer with multi-range requests, which the server answers in full', async () => {
    await offer('1.1.0');
    const client = pcClient();
    client.updater.setFeedURL({ ...feedOptions(server.url), useMultipleRangeRequest: true });
    const { files, sent } = await run(client);
    expect(sha512(readFileSync(files![0]!))).toBe(v110.sha512);
    expect(sent).toBeGreaterThan(v110.bytes.length);
  });

  it('refuses an installer that does not match its sha512: an error event, nothing installed', async () => {
    await offer('1.1.0-damaged');
    const client = pcClient();
    const { events, errors, files, failure } = await run(client);
    expect(events).toEqual(['update-available']);
    expect(files).toBeNull();
    expect(failure?.code).toBe('ERR_CHECKSUM_MISMATCH');
    expect(errors.map((e) => (e as Error & { code?: string }).code)).toEqual(['ERR_CHECKSUM_MISMATCH']);
    // The app quits: electron-updater's quit hook has nothing to install.
    client.app.emitQuit(0);
    expect(client.updater.installs).toEqual([]);
  });

  it('offers nothing from a halted ring: no update found, nothing downloaded', async () => {
    await offer(null);
    const client = pcClient();
    const { events, files, failure, sent } = await run(client);
    expect(events).toEqual([]);
    expect(files).toBeNull();
    // The raw client reports the server's 404 as a missing manifest; `updater.ts` reads it as "nothing offered".
    expect(failure?.code).toBe('ERR_UPDATER_CHANNEL_FILE_NOT_FOUND');
    expect(sent).toBeLessThan(2_000);
  });

  it('gives a PC without a valid device token nothing', async () => {
    await offer('1.1.0');
    for (const token of ['not-a-device-token', '']) {
      const client = pcClient(token);
      const { events, files, failure } = await run(client);
      expect(events).toEqual([]);
      expect(files).toBeNull();
      expect(failure?.statusCode).toBe(401);
    }
  });

  describe('with updater.ts around the client', () => {
    const wrap = (client: NodeClient) => {
      const lines: string[] = [];
      const log = {
        ...silentLogger,
        info: (m: string) => lines.push(`info ${m}`),
        warn: (m: string, f?: object) => lines.push(`warn ${m} ${JSON.stringify(f)}`),
        child: () => log,
      };
      const updater = new Updater({ client: client.updater, log, every: () => () => {} });
      return { updater, lines };
    };
    const allSent = { outboxPending: 0, oldestPendingAt: null, user: null };

    it('downloads, then installs at exit once every change is sent: silently, by electron-updater’s install', async () => {
      await offer('1.1.0');
      const client = nodeClient('1.0.0', oldBytes);
      clients.push(client);
      const { updater } = wrap(client);
      updater.setStatus({ outboxPending: 2, oldestPendingAt: new Date().toISOString(), user: null });
      expect(await updater.start({ server: server.url, token: pc.token })).toMatchObject({
        kind: 'ready',
        version: '1.1.0',
        install: 'wait',
      });
      // Quitting with changes unsent installs nothing, by updater.ts or by electron-updater's quit hook.
      expect(updater.installAtExit()).toBe(false);
      client.app.emitQuit(0);
      expect(client.updater.installs).toEqual([]);
      updater.setStatus(allSent);
      expect(updater.installAtExit()).toBe(true);
      expect(client.updater.installs).toEqual([
        { isSilent: true, isForceRunAfter: false, isAdminRightsRequired: false },
      ]);
    });

    it('takes its feed from a real workstation core, whose unsent changes hold the install', async () => {
      await offer('1.1.0');
      await server.createUser('rec.update', 'receptionist');
      let station: Station | null = null;
      try {
        station = await startStation(server, {
          name: 'Desk taking updates',
          kind: 'reception',
          user: 'rec.update',
        });
        const { ws } = station;
        await ws.drain();
        const client = nodeClient('1.0.0', oldBytes);
        clients.push(client);
        const { updater } = wrap(client);
        // As main.ts wires it: every status of the core reaches the updater, and the feed comes from the core.
        ws.on('status', (s) => updater.setStatus(s));
        updater.setStatus(ws.status());
        expect(await updater.start(ws.updateFeed())).toMatchObject({
          kind: 'ready',
          version: '1.1.0',
          install: 'on-quit',
        });

        station.proxy.cut();
        const made = ws.writes.insert('patients', {
          mrn: 'P-UPD-1',
          first_name: 'Isatou',
          last_name: 'Jallow',
          date_of_birth: '1975-05-05',
          gender: 'female',
        });
        expect(made.ok).toBe(true);
        await eventually(
          () => updater.state.kind === 'ready' && updater.state.install === 'wait',
          'install held',
        );
        expect(updater.quitQuestion()?.detail).toMatch(
          /^1 change made on this PC has not reached the server/,
        );
        expect(updater.installAtExit()).toBe(false);
        expect(client.updater.installs).toEqual([]);

        station.proxy.pass();
        await ws.drain();
        await eventually(
          () => updater.state.kind === 'ready' && updater.state.install === 'on-quit',
          'install freed',
        );
        expect(updater.installAtExit()).toBe(true);
        expect(client.updater.installs).toHaveLength(1);
      } finally {
        await station?.close();
      }
    });

    it('turns a halted ring, a refused token, a damaged installer and a dead server into states', async () => {
      await offer(null);
      const halted = nodeClient('1.0.0', oldBytes);
      clients.push(halted);
      await expect(wrap(halted).updater.start({ server: server.url, token: pc.token })).resolves.toEqual({
        kind: 'not-offered',
      });

      await offer('1.1.0');
      const refused = nodeClient('1.0.0', oldBytes);
      clients.push(refused);
      await expect(
        wrap(refused).updater.start({ server: server.url, token: 'revoked' }),
      ).resolves.toMatchObject({
        kind: 'failed',
        reason: 'refused',
      });

      await offer('1.1.0-damaged');
      const damaged = nodeClient('1.0.0', oldBytes);
      clients.push(damaged);
      const wrapped = wrap(damaged);
      wrapped.updater.setStatus(allSent);
      await expect(wrapped.updater.start({ server: server.url, token: pc.token })).resolves.toMatchObject({
        kind: 'failed',
        reason: 'corrupt',
      });
      expect(wrapped.updater.installAtExit()).toBe(false);
      expect(damaged.updater.installs).toEqual([]);

      const unreachable = nodeClient('1.0.0', oldBytes);
      clients.push(unreachable);
      const dead = wrap(unreachable);
      await expect(
        dead.updater.start({ server: await deadAddress(), token: pc.token }),
      ).resolves.toMatchObject({
        kind: 'failed',
        reason: 'offline',
      });
      // One warning, classified; electron-updater's own line about it stays below warn.
      expect(dead.lines.filter((l) => l.startsWith('warn'))).toEqual([
        expect.stringMatching(/^warn update failed .*"reason":"offline".*ECONNREFUSED/),
      ]);
      expect([...dead.lines, ...unreachable.logs].join('\n')).not.toContain(pc.token);
    });
  });
});
