/**
 * Per-client rate limits on the doors a guesser knocks on: past the limit a client gets 429 with
 * Retry-After and the request is not evaluated (no password checked, nothing recorded); another
 * client is unaffected, and the account is not locked for its owner.
 */
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '../../db/schema/pg.ts';
import { bootstrap } from '../../sync-server/admin/bootstrap.ts';
import { buildApp } from '../../sync-server/app.ts';
import { testConfig } from '../../sync-server/config.ts';
import { type Database, openDatabase } from '../../sync-server/platform/database.ts';

const ADMIN_PASSWORD = 'admin-password-for-tests';

describe('per-client rate limits on sign-in and enrolment', () => {
  let database: Database;
  let app: FastifyInstance;
  beforeAll(async () => {
    database = await openDatabase({});
    await bootstrap(database, testConfig({ adminPassword: ADMIN_PASSWORD }));
    app = await buildApp({ database, config: testConfig({ authRatePerMinute: 3, loginMaxFailures: 100 }) });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  const login = (password: string, ip = '10.0.0.7') =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password },
      remoteAddress: ip,
    });

  it('answers 429 with Retry-After past the limit, evaluates nothing, and leaves other clients and the account alone', async () => {
    for (let i = 0; i < 3; i++) expect((await login('a wrong guess')).statusCode).toBe(401);
    const limited = await login(ADMIN_PASSWORD);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const tried = await database.db
      .select({ status: s.login_activities.status })
      .from(s.login_activities)
      .where(eq(s.login_activities.username_attempted, 'admin'));
    expect(tried.map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    // The admin at another PC signs in: the limit is the guesser's, not the account's.
    expect((await login(ADMIN_PASSWORD, '10.0.0.8')).statusCode).toBe(200);
    // Enrolment is limited the same way, on its own count.
    const enrol = () =>
      app.inject({
        method: 'POST',
        url: '/api/workstations/enroll',
        payload: { code: 'NOT-A-CODE' },
        remoteAddress: '10.0.0.9',
      });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await enrol()).statusCode);
    expect(codes.slice(0, 3).every((c) => c !== 429)).toBe(true);
    expect(codes[3]).toBe(429);
  });
});
