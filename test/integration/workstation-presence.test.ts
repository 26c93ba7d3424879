/**
 * The admin's list of workstations says when each PC was last in touch and which sync schema it
 * uploads with. "Last seen" moves with any device request (a PC that only reads, or only beats, is
 * alive too), written at most every half minute; the schema version is written when it changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_SCHEMA_VERSION } from '../../db/sync-contract.ts';
import { forgetWorkstationTokens } from '../../sync-server/sync/workstations/device-auth.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('what the admin list knows of each PC', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const row = async (id: string) =>
    (
      await server.database.query<{ last_seen_at: string | null; schema_version: number | null }>(
        `SELECT to_char(last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_seen_at,
                schema_version FROM workstations WHERE id = $1`,
        [id],
      )
    )[0];
  const setLastSeen = (id: string, msAgo: number) =>
    server.database.query('UPDATE workstations SET last_seen_at = $1 WHERE id = $2', [
      new Date(Date.now() - msAgo).toISOString(),
      id,
    ]);
  const heartbeat = async (token: string) => {
    // Each request here stands for one after the token cache's few seconds.
    forgetWorkstationTokens();
    const res = await fetch(`${server.url}/api/sync/scope`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
  };

  it('"last seen" follows a PC that only beats, at most every half minute', async () => {
    const pc = await server.enrol({ name: 'Quiet desk', kind: 'reception' });
    await setLastSeen(pc.id, 10 * 60_000);
    const before = Date.now();
    await heartbeat(pc.token);
    const seen = Date.parse((await row(pc.id))?.last_seen_at ?? '');
    expect(seen).toBeGreaterThanOrEqual(before - 1_000);

    // Seen 10 s ago: fresh enough, not written again.
    await setLastSeen(pc.id, 10_000);
    const tenSecondsAgo = (await row(pc.id))?.last_seen_at;
    await heartbeat(pc.token);
    expect((await row(pc.id))?.last_seen_at).toBe(tenSecondsAgo);

    // Seen 40 s ago: moved on.
    await setLastSeen(pc.id, 40_000);
    const before2 = Date.now();
    await heartbeat(pc.token);
    expect(Date.parse((await row(pc.id))?.last_seen_at ?? '')).toBeGreaterThanOrEqual(before2 - 1_000);
  });

  it('a revoked PC is not seen: its requests are refused and its "last seen" stays', async () => {
    const pc = await server.enrol({ name: 'Stolen desk', kind: 'reception' });
    await setLastSeen(pc.id, 10 * 60_000);
    const stale = (await row(pc.id))?.last_seen_at;
    await server.admin('POST', `/api/workstations/${pc.id}/revoke`);
    forgetWorkstationTokens();
    const res = await fetch(`${server.url}/api/sync/scope`, {
      headers: { authorization: `Bearer ${pc.token}` },
    });
    expect(res.status).toBe(401);
    expect((await row(pc.id))?.last_seen_at).toBe(stale);
  });

  it('the sync schema a PC uploads with is recorded', async () => {
    const pc = await server.enrol({ name: 'Uploading desk', kind: 'reception' });
    await server.database.query('UPDATE workstations SET schema_version = NULL WHERE id = $1', [pc.id]);
    const res = await fetch(`${server.url}/api/sync/mutations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${pc.token}` },
      // A write it cannot make still counts: the PC uploaded with this schema.
      body: JSON.stringify({
        schema_version: SYNC_SCHEMA_VERSION,
        grants: {},
        mutations: [{ id: '0190a3c4-6f2e-7b1a-8c3d-000000000001', table: 'patients' }],
      }),
    });
    expect(res.status).toBe(200);
    expect((await row(pc.id))?.schema_version).toBe(SYNC_SCHEMA_VERSION);
  });
});
