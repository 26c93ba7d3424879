/**
 * A user's own rows follow them onto a PC: notifications and tasks that exist before someone signs in
 * at a workstation for the first time arrive there when they do (their authoring grant is what puts
 * them in that PC's scope), and leave when an admin disables them. Issue 9: "a pharmacist's 14
 * notifications never arrived".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, localRows, type Station, startStation } from '../support/stations.ts';

describe("a user's rows on a PC they sign in at", () => {
  let server: TestServer;
  let station: Station;
  let pharmacist: string;

  beforeAll(async () => {
    server = await startTestServer();
    pharmacist = await server.createUser('pharm.first', 'pharmacist');
    await server.createUser('pharm.other', 'pharmacist');
    for (let i = 0; i < 14; i++)
      await server.database.query(
        `INSERT INTO notifications (user_id, title, message, notification_type) VALUES ($1, $2, 'x', 'low_stock')`,
        [pharmacist, `Low stock ${i}`],
      );
    await server.database.query(
      `INSERT INTO tasks (title, assigned_to, status, priority) VALUES ('Count the ward stock', $1, 'open', 'normal')`,
      [pharmacist],
    );
    station = await startStation(server, { name: 'Pharmacy counter', kind: 'pharmacy', user: 'pharm.other' });
  });
  afterAll(async () => {
    await station?.close();
    await server?.close();
  });

  it('arrive when they first sign in there, and leave when they are disabled', async () => {
    await station.ws.drain();
    const mine = () =>
      localRows(station, `SELECT id FROM notifications WHERE user_id = ?`, pharmacist).length;
    const tasks = () => localRows(station, `SELECT id FROM tasks WHERE assigned_to = ?`, pharmacist).length;
    expect(mine()).toBe(0);
    station.ws.session.logout();
    expect((await station.ws.session.login('pharm.first', 'password-pharm.first')).ok).toBe(true);
    await eventually(() => mine() === 14 && tasks() === 1, "the pharmacist's 14 notifications and task");

    await server.admin('PATCH', `/api/users/${pharmacist}`, { is_active: false });
    await eventually(() => mine() === 0 && tasks() === 0, 'gone when the account is disabled');
  });
});
