/**
 * Headless workstations for sync tests: each enrolled against a real server, each behind its own TCP
 * proxy so a test can cut one off the network, each with its own encrypted SQLite in a temp dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../main/core/logger.ts';
import { type LocalDatabase, openLocalDatabase } from '../../main/core/store/local-db.ts';
import { startWorkstation, type Workstation, type WorkstationOptions } from '../../main/core/workstation.ts';
import type { TestServer } from './server.ts';
import { TcpProxy } from './tcp-proxy.ts';

export { eventually } from './eventually.ts';

/** A second connection to a workstation's database file (the core's own handle never leaves it). */
export function inspect(dir: string, key = KEY): LocalDatabase {
  return openLocalDatabase({ path: join(dir, 'workstation.db'), key });
}

export interface Station {
  ws: Workstation;
  /**
   * The workstation's database file seen from outside (a second connection, WAL lets it read while
   * the core writes): tests look at rows and the outbox here, since the core hands out no SQL handle.
   */
  sqlite: LocalDatabase['sqlite'];
  proxy: TcpProxy;
  dir: string;
  id: string;
  /** Stops the workstation (graceful) and keeps its files, to restart it later. */
  stop(): Promise<void>;
  /** Starts the workstation again on the same files and proxy. */
  restart(options?: Pick<WorkstationOptions, 'appVersion'>): Promise<Workstation>;
  close(): Promise<void>;
}

export const KEY = 'station-test-key';

export async function startStation(
  server: TestServer,
  input: {
    name: string;
    kind: string;
    ward_id?: string | null;
    user: string;
    password?: string;
    /** Extra workstation options (timeouts), kept across restarts. */
    options?: Pick<WorkstationOptions, 'uploadTimeoutMs' | 'heartbeatMs' | 'clock' | 'appVersion'>;
    /** The data directory (default: a new temporary one), e.g. on a small tmpfs. */
    dir?: string;
  },
): Promise<Station> {
  const serverPort = Number(new URL(server.url).port);
  const proxy = new TcpProxy(serverPort);
  const url = await proxy.start();
  const created = await server.createWorkstation({
    name: input.name,
    kind: input.kind,
    ward_id: input.ward_id ?? null,
  });
  const dir = input.dir ?? mkdtempSync(join(tmpdir(), 'hms-station-'));
  const password =
    input.password ?? (input.user === 'admin' ? 'admin-password-for-tests' : `password-${input.user}`);
  const log = process.env.HMS_TEST_LOG ? createLogger('debug') : undefined;
  let ws = await startWorkstation({
    server: url,
    dataDir: dir,
    key: KEY,
    enrollmentCode: created.enrollment_code,
    ...(log ? { log } : {}),
    ...input.options,
  });
  const login = await ws.session.login(input.user, password);
  if (!login.ok) throw new Error(`login of ${input.user} failed: ${JSON.stringify(login.error)}`);
  let outside: LocalDatabase | null = null;
  const station: Station = {
    get ws() {
      return ws;
    },
    get sqlite() {
      outside ??= inspect(dir);
      return outside.sqlite;
    },
    proxy,
    dir,
    id: created.id,
    async stop() {
      await ws.stop();
      // The files at rest, as after a real shutdown (the last connection removes the WAL).
      outside?.close();
      outside = null;
    },
    async restart(options = {}) {
      ws = await startWorkstation({ server: url, dataDir: dir, key: KEY, ...input.options, ...options });
      const again = await ws.session.login(input.user, password);
      if (!again.ok) throw new Error(`login of ${input.user} failed: ${JSON.stringify(again.error)}`);
      return ws;
    },
    async close() {
      await ws.stop().catch(() => {});
      outside?.close();
      await proxy.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return station;
}

/** Rows of a synced table on a workstation's local database. */
export const localRows = (station: Station, sql: string, ...params: unknown[]) =>
  station.sqlite.prepare(sql).all(...params) as Record<string, unknown>[];

/**
 * The workstations one test file starts, closed together: `const { station } = stationPool(() => server);`
 * then `afterAll(closeAll)`.
 */
export function stationPool(server: () => TestServer) {
  const started: Station[] = [];
  return {
    stations: started,
    async station(input: Parameters<typeof startStation>[1]): Promise<Station> {
      const s = await startStation(server(), input);
      started.push(s);
      return s;
    },
    async closeAll(): Promise<void> {
      for (const s of started.splice(0)) await s.close();
    },
  };
}
