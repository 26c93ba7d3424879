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
import { postgresRateStore } from '../../sync-server/http/rate-limit.ts';
import { type Database, openDatabase } from '../../sync-server/platform/database.ts';
import { createTestDatabase } from '../support/postgres.ts';

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

describe('rate limits across server instances', () => {
  it('counts an address once on a database shared by two instances, not once per instance', async () => {
    const pgDb = await createTestDatabase('hms_rate');
    const databases: Database[] = [];
    const apps: FastifyInstance[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const database = await openDatabase({ url: pgDb.url });
        databases.push(database);
        if (i === 0) await bootstrap(database, testConfig({ adminPassword: ADMIN_PASSWORD }));
        const app = await buildApp({
          database,
          config: testConfig({ authRatePerMinute: 4, loginMaxFailures: 100 }),
        });
        await app.ready();
        apps.push(app);
      }
      // A balancer alternating between the instances: the fifth attempt is refused whichever answers it.
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++)
        statuses.push(
          (
            await (apps[i % 2] as FastifyInstance).inject({
              method: 'POST',
              url: '/api/auth/login',
              payload: { username: 'admin', password: 'a wrong guess' },
              remoteAddress: '10.0.0.7',
            })
          ).statusCode,
        );
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    } finally {
      for (const app of apps) await app.close();
      for (const d of databases) await d.close();
      await pgDb.drop();
    }
  });

  it('starts a new window once the last one has run out, per route and address', async () => {
    const database = await openDatabase({});
    try {
      const Store = postgresRateStore(database);
      const login = new Store().child({ method: 'POST', url: '/api/auth/login' });
      const enrol = new Store().child({ method: 'POST', url: '/api/workstations/enroll' });
      const hit = (store: typeof login, key: string, windowMs: number) =>
        new Promise<{ current: number; ttl: number }>((resolve, reject) =>
          store.incr(key, (e, r) => (e || !r ? reject(e) : resolve(r)), windowMs, 3),
        );
      expect((await hit(login, '10.0.0.1', 300)).current).toBe(1);
      const second = await hit(login, '10.0.0.1', 300);
      expect(second.current).toBe(2);
      expect(second.ttl).toBeGreaterThan(0);
      expect(second.ttl).toBeLessThanOrEqual(300);
      expect((await hit(enrol, '10.0.0.1', 300)).current).toBe(1);
      expect((await hit(login, '10.0.0.2', 300)).current).toBe(1);
      await new Promise((r) => setTimeout(r, 350));
      expect((await hit(login, '10.0.0.1', 300)).current).toBe(1);
    } finally {
      await database.close();
    }
  });
});
