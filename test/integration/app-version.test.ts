/**
 * Each PC tells the server which app version it runs, with its heartbeat; the admin desk's
 * workstation list shows it. Written when it changes, not on every beat; a header that is not a
 * version is ignored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appVersionOf } from '../../sync-server/sync/workstations/reported.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, type Station, startStation } from '../support/stations.ts';

describe('the app version each PC runs', () => {
  let server: TestServer;
  const stations: Station[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('rec_version', 'receptionist');
  });
  afterAll(async () => {
    for (const st of stations) await st.close();
    await server?.close();
  });

  const versionOf = async (name: string) =>
    (
      await server.database.query<{ app_version: string | null }>(
        'SELECT app_version FROM workstations WHERE name = $1',
        [name],
      )
    )[0]?.app_version;

  it('reaches the admin list from the heartbeat, and follows the PC to its next version', async () => {
    const desk = await startStation(server, {
      name: 'Versioned desk',
      kind: 'reception',
      user: 'rec_version',
      options: { appVersion: '1.4.2', heartbeatMs: 100 },
    });
    stations.push(desk);
    await eventually(async () => (await versionOf('Versioned desk')) === '1.4.2', 'version 1.4.2 recorded');
    const listed = await server.admin<{ workstations: { name: string; app_version: string | null }[] }>(
      'GET',
      '/api/workstations',
    );
    expect(listed.workstations.find((w) => w.name === 'Versioned desk')?.app_version).toBe('1.4.2');
    // The same PC after an update (its core started again with the new version).
    await desk.stop();
    await desk.restart({ appVersion: '1.5.0' });
    await eventually(async () => (await versionOf('Versioned desk')) === '1.5.0', 'version 1.5.0 recorded');
  });

  it('takes only a version: anything else in the header is ignored', () => {
    expect(appVersionOf('1.4.2')).toBe('1.4.2');
    expect(appVersionOf('2.0.0-beta.3')).toBe('2.0.0-beta.3');
    expect(appVersionOf(['1.0.0', '9.9.9'])).toBe('1.0.0');
    for (const bad of [undefined, '', 'latest', '1.0', `1.0.0-${'x'.repeat(80)}`, "1.0.0'; DROP TABLE"])
      expect(appVersionOf(bad)).toBeNull();
  });
});
