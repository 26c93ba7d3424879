/**
 * Desktop updates from the hospital's sync server (issue 12, server side): each ring's PCs are
 * offered the release their ring points at; installers come in ranges (206, and 416 past the end),
 * manifests uncached; only enrolled PCs are served, only plain file names; a halted ring offers
 * nothing, and moving a ring back offers its PCs the release before (a PC that took the newer one
 * keeps it). For the admin's screen: the release folders to pick from, every ring a PC is in
 * (pointed or not), and which ring each PC is in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELEASED, writeReleaseFolders } from '../support/release-fixture.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('updates served by the sync server, in rings', () => {
  let server: TestServer;
  const releases = mkdtempSync(join(tmpdir(), 'hms-releases-'));
  const installer = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
  let pilot: { id: string; token: string };
  let ward: { id: string; token: string };

  beforeAll(async () => {
    writeReleaseFolders(releases, installer); // 1.0.0, 1.1.0, and 1.2.0 still being copied
    server = await startTestServer({ config: { releasesDir: releases } });
    pilot = await server.enrol({ name: 'Pilot desk', kind: 'reception' });
    ward = await server.enrol({ name: 'Other desk', kind: 'reception' });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(releases, { recursive: true, force: true });
  });

  const get = (token: string | null, file: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/updates/${file}`, {
      headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });

  it('offers each ring its own release, and nothing to a ring with none', async () => {
    expect((await get(pilot.token, 'latest.yml')).status).toBe(404);
    await server.admin('PUT', '/api/update-rings/general', { release: '1.0.0' });
    await server.admin('PUT', '/api/update-rings/pilot', { release: '1.1.0' });
    await server.admin('PUT', `/api/workstations/${pilot.id}/update-ring`, { ring: 'pilot' });
    const forPilot = await get(pilot.token, 'latest.yml');
    expect(forPilot.status).toBe(200);
    expect(forPilot.headers.get('cache-control')).toBe('no-store');
    expect(await forPilot.text()).toMatch(/^version: 1\.1\.0/);
    expect(await (await get(ward.token, 'latest.yml')).text()).toMatch(/^version: 1\.0\.0/);
    const { rings } = await server.admin<{
      rings: { name: string; release: string; workstations: number }[];
    }>('GET', '/api/update-rings');
    expect(rings.map((r) => [r.name, r.release])).toEqual([
      ['general', '1.0.0'],
      ['pilot', '1.1.0'],
    ]);
  });

  it('answers byte ranges of an installer (206), and 416 past its end', async () => {
    const part = await get(pilot.token, 'HMS-Setup-1.1.0.exe', { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${installer.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(installer.subarray(100, 200));
    const beyond = await get(pilot.token, 'HMS-Setup-1.1.0.exe', {
      range: `bytes=${installer.length + 10}-`,
    });
    expect(beyond.status).toBe(416);
    await beyond.arrayBuffer();
  });

  it('serves enrolled PCs only, and plain file names only', async () => {
    expect((await get(null, 'latest.yml')).status).toBe(401);
    expect((await get('not-a-token', 'latest.yml')).status).toBe(401);
    for (const file of ['..%2F1.0.0%2Flatest.yml', '%2E%2E', '.hidden'])
      expect([400, 404]).toContain((await get(pilot.token, file)).status);
    expect((await get(pilot.token, 'HMS-Setup-1.0.0.exe')).status).toBe(404); // not in its ring's release
  });

  it('halts a ring (nothing offered) and rolls it back to the release before', async () => {
    await server.admin('PUT', '/api/update-rings/pilot', { release: null });
    const halted = await get(pilot.token, 'latest.yml');
    expect(halted.status).toBe(404);
    expect(((await halted.json()) as { error: string }).error).toBe('no_release');
    await server.admin('PUT', '/api/update-rings/pilot', { release: '1.0.0' });
    expect(await (await get(pilot.token, 'latest.yml')).text()).toMatch(/^version: 1\.0\.0/);
    await expect(server.admin('PUT', '/api/update-rings/pilot', { release: '9.9.9' })).rejects.toThrow(/400/);
    const audit = await server.database.query<{ description: string }>(
      `SELECT description FROM audit_log WHERE object_type = 'update_rings' ORDER BY seq`,
    );
    expect(audit.map((a) => a.description)).toEqual([
      'update ring general offers 1.0.0',
      'update ring pilot offers 1.1.0',
      'update ring pilot halted',
      'update ring pilot offers 1.0.0',
    ]);
  });

  it('lists the release folders to pick from, newest first, those without latest.yml last, to admins only', async () => {
    const { releases: listed } = await server.admin<{ releases: unknown[] }>('GET', '/api/update-releases');
    expect(listed).toEqual([
      { name: '1.1.0', version: '1.1.0', released_at: RELEASED['1.1.0'], offerable: true },
      { name: '1.0.0', version: '1.0.0', released_at: RELEASED['1.0.0'], offerable: true },
      { name: '1.2.0', version: null, released_at: null, offerable: false },
    ]);
    await server.createUser('rec', 'receptionist');
    const rec = await server.login('rec', 'password-rec');
    for (const path of ['/api/update-releases', '/api/update-rings']) {
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${rec}` } });
      expect(res.status).toBe(403);
    }
  });

  it('lists every ring a PC is in, pointed or not, halted or not, and the ring of each PC; a move is audited', async () => {
    await server.admin('PUT', `/api/workstations/${ward.id}/update-ring`, { ring: 'ward-b' });
    await server.admin('PUT', '/api/update-rings/general', { release: null });
    const { rings, members } = await server.admin<{ rings: unknown[]; members: unknown[] }>(
      'GET',
      '/api/update-rings',
    );
    expect(rings).toEqual([
      // Halted: offers nothing, and says what it offered before (to tell a roll-back from it).
      { name: 'general', release: null, halted: true, last_release: '1.0.0', workstations: 0 },
      { name: 'pilot', release: '1.0.0', halted: false, last_release: '1.0.0', workstations: 1 },
      // No row: never pointed at a release, so it offers nothing, and is not "halted".
      { name: 'ward-b', release: null, halted: false, last_release: null, workstations: 1 },
    ]);
    expect(members).toEqual([
      { workstation_id: ward.id, ring: 'ward-b' },
      { workstation_id: pilot.id, ring: 'pilot' },
    ]);
    expect((await get(ward.token, 'latest.yml')).status).toBe(404);
    const audit = await server.database.query<{ description: string; object_id: string }>(
      `SELECT description, object_id FROM audit_log
       WHERE object_type = 'workstations' AND description LIKE '%update ring%' ORDER BY seq`,
    );
    expect(audit).toEqual([
      { description: 'workstation Pilot desk moved to update ring pilot', object_id: pilot.id },
      { description: 'workstation Other desk moved to update ring ward-b', object_id: ward.id },
    ]);
  });

  it('refuses a bad ring name, a bad workstation id and an unknown workstation, in words', async () => {
    await expect(
      server.admin('PUT', `/api/workstations/${ward.id}/update-ring`, { ring: 'Pilot Ward' }),
    ).rejects.toThrow(/400.*lower-case letters/);
    await expect(server.admin('PUT', '/api/update-rings/Pilot%20Ward', { release: null })).rejects.toThrow(
      /400.*lower-case letters/,
    );
    await expect(server.admin('PUT', '/api/workstations/42/update-ring', { ring: 'pilot' })).rejects.toThrow(
      /400/,
    );
    await expect(
      server.admin('PUT', '/api/workstations/0190a0a0-0000-7000-8000-000000000000/update-ring', {
        ring: 'pilot',
      }),
    ).rejects.toThrow(/404/);
  });
});
