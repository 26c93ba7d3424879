/**
 * A real sync server for integration tests: fresh Postgres database (or PGlite), bootstrap, the
 * whole server from `buildApp`, listening on a random loopback port. Helpers act as the admin over
 * real HTTP.
 */
import type { FastifyInstance } from 'fastify';
import { Agent, fetch as undiciFetch } from 'undici';
import { bootstrap } from '../../sync-server/admin/bootstrap.ts';
import { buildApp } from '../../sync-server/app.ts';
import { type Config, testConfig } from '../../sync-server/config.ts';
import { type Database, openDatabase } from '../../sync-server/platform/database.ts';
import { createTestDatabase } from './postgres.ts';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

export interface TestServer {
  url: string;
  /** The Postgres database it serves (null: the embedded one), for a second instance on it. */
  databaseUrl: string | null;
  database: Database;
  app: FastifyInstance;
  /** Sends a JSON request as the admin; throws on a non-2xx answer. */
  admin<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  login(username: string, password: string): Promise<string>;
  /** Registers a workstation and returns its enrolment code. */
  createWorkstation(input: {
    name: string;
    kind: string;
    ward_id?: string | null;
  }): Promise<{ id: string; enrollment_code: string }>;
  /** Creates a user with a role (password `password-<username>`) and returns its id. */
  createUser(username: string, role: string): Promise<string>;
  /** Enrols a new workstation of `kind` and returns its id and device token. */
  enrol(input: {
    name: string;
    kind: string;
    ward_id?: string | null;
  }): Promise<{ id: string; token: string; code: string }>;
  /** Logs `username` in and obtains its authoring grant on the workstation with `token`. */
  grant(username: string, wsToken: string): Promise<string>;
  /** Stops listening and closes the database, keeping the data (for restart tests). */
  stop(): Promise<void>;
  /** Stops and drops the database. */
  close(): Promise<void>;
}

/** `n` patients straight into Postgres (a big table to download): MRNs `<mrnPrefix>000001`…. */
export async function insertPatients(server: TestServer, n: number, mrnPrefix: string, lastName: string) {
  await server.database.query(
    `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender)
     SELECT $1 || lpad(k::text, 6, '0'), 'Awa', $2 || ' ' || k, '1980-01-01', 'female'
     FROM generate_series(1, $3::int) k`,
    [mrnPrefix, lastName, n],
  );
}

export interface StartOptions {
  /** Reuse an existing database URL (restart scenarios). */
  url?: string;
  embedded?: boolean;
  port?: number;
  /** Settings beyond the test defaults (a short request timeout, TLS files). */
  config?: Partial<Config>;
}

const unverifiedFetch = (dispatcher: Agent) =>
  ((input: string, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher } as Parameters<
      typeof undiciFetch
    >[1])) as unknown as typeof globalThis.fetch;

export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const fresh = options.url || options.embedded ? null : await createTestDatabase('hms_sync');
  const dbUrl = options.url ?? fresh?.url;
  const database = await openDatabase({ url: options.embedded ? undefined : dbUrl });
  const config = testConfig({ adminPassword: ADMIN_PASSWORD, databaseUrl: dbUrl, ...options.config });
  await bootstrap(database, config);
  const app = await buildApp({ database, config });
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `${config.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  // The helper's own admin calls to a TLS test server skip verification; what a workstation trusts is
  // what the TLS tests check.
  const fetch = config.tls
    ? unverifiedFetch(new Agent({ connect: { rejectUnauthorized: false } }))
    : globalThis.fetch;

  const request = async <T>(
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
  ): Promise<T> => {
    const res = await fetch(url + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  const login = async (username: string, password: string) =>
    (await request<{ access: string }>('POST', '/api/auth/login', null, { username, password })).access;
  let adminToken: string | null = null;

  const stop = async () => {
    await app.close();
    await database.close();
  };
  return {
    url,
    databaseUrl: options.embedded ? null : (dbUrl ?? null),
    database,
    app,
    login,
    async admin<T>(method: string, path: string, body?: unknown) {
      adminToken ??= await login('admin', ADMIN_PASSWORD);
      return request<T>(method, path, adminToken, body);
    },
    async createWorkstation(input) {
      adminToken ??= await login('admin', ADMIN_PASSWORD);
      return request('POST', '/api/workstations', adminToken, input);
    },
    async createUser(username, role) {
      adminToken ??= await login('admin', ADMIN_PASSWORD);
      const user = await request<{ user?: { id: string }; id?: string }>('POST', '/api/users', adminToken, {
        username,
        first_name: username,
        last_name: 'Test',
        role,
        password: `password-${username}`,
      });
      return (user.user?.id ?? user.id) as string;
    },
    async enrol(input) {
      adminToken ??= await login('admin', ADMIN_PASSWORD);
      const created = await request<{ id: string; enrollment_code: string }>(
        'POST',
        '/api/workstations',
        adminToken,
        input,
      );
      const enrolled = await request<{ token: string; code: string }>(
        'POST',
        '/api/workstations/enroll',
        null,
        {
          code: created.enrollment_code,
        },
      );
      return { id: created.id, token: enrolled.token, code: enrolled.code };
    },
    async grant(username, wsToken) {
      const access = await login(username, username === 'admin' ? ADMIN_PASSWORD : `password-${username}`);
      const res = await fetch(`${url}/api/sync/grants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access}`, 'x-workstation-token': wsToken },
      });
      if (!res.ok) throw new Error(`grant → ${res.status} ${await res.text()}`);
      return ((await res.json()) as { grant: string }).grant;
    },
    stop,
    async close() {
      await stop();
      await fresh?.drop();
    },
  };
}
