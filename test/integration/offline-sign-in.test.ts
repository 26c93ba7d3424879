/**
 * Offline sign-in honours what online sign-in does, end to end: a 2FA user's secret reaches the
 * enrolled PC they sign in at (and only through the grant call), the PC then asks for the code with
 * the network cut, and issuing the grant is in the audit trail. Real server, real workstation core.
 */
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type Station, startStation } from '../support/stations.ts';

describe('a 2FA user signing in offline', () => {
  let server: TestServer;
  let station: Station;
  let secret: string;

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('dr.twofactor', 'doctor');
    const access = await server.login('dr.twofactor', 'password-dr.twofactor');
    const call = async (path: string, body: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${access}` },
        body: JSON.stringify(body),
      });
      return (await res.json()) as Record<string, unknown>;
    };
    secret = String((await call('/api/auth/2fa/enroll', {})).secret);
    await call('/api/auth/2fa/confirm', { otp: await generate({ secret }) });
    station = await startStation(server, { name: 'Ward PC 2FA', kind: 'admin', user: 'admin' });
  });
  afterAll(async () => {
    await station?.close();
    await server?.close();
  });

  it('needs the code online, then offline, and takes each code once', async () => {
    const { ws } = station;
    ws.session.logout();
    const pw = 'password-dr.twofactor';
    expect(await ws.session.login('dr.twofactor', pw)).toMatchObject({
      ok: false,
      error: { code: 'otp_required' },
    });
    // The confirm step took this step's code: the next step's is still within the window.
    const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const online = await ws.session.login('dr.twofactor', pw, next);
    expect(online).toMatchObject({ ok: true, value: { offline: false } });
    ws.session.logout();

    station.proxy.cut();
    expect(await ws.session.login('dr.twofactor', pw)).toMatchObject({
      ok: false,
      error: { code: 'otp_required' },
    });
    const later = await generate({ secret });
    const offline = await ws.session.login('dr.twofactor', pw, later);
    expect(offline).toMatchObject({ ok: true, value: { offline: true } });
    ws.session.logout();
    expect(await ws.session.login('dr.twofactor', pw, later)).toMatchObject({
      ok: false,
      error: { code: 'otp_invalid' },
    });
    station.proxy.pass();

    const issued = await server.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log a JOIN users u ON u.id = a.user_id
       WHERE u.username = 'dr.twofactor' AND a.description = 'authoring grant issued'`,
    );
    expect(issued[0]?.n).toBeGreaterThanOrEqual(1);
  });
});
