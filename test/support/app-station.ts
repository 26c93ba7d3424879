/**
 * A workstation as a person uses it, for end-to-end tests: the core enrolled against a real server
 * behind its own TCP proxy (so a test can cut it off), served in browser mode on a random loopback
 * port, exactly as `npm run workstation` does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserMode, startBrowserMode } from '../../main/browser/server.ts';
import { WorkstationHost } from '../../main/core/host.ts';
import { hasPassphrase, keyFromPassphrase } from '../../main/core/key-file.ts';
import type { TestServer } from './server.ts';
import { KEY } from './stations.ts';
import { TcpProxy } from './tcp-proxy.ts';

export const RENDERER_DIST = resolve(fileURLToPath(new URL('../../renderer/dist', import.meta.url)));

export interface AppStation {
  host: WorkstationHost;
  ui: BrowserMode;
  proxy: TcpProxy;
  dir: string;
  /** The workstation's id on the server. */
  id: string;
  /** What a person types at first run: the server's address (through the proxy) and the one-time code. */
  serverUrl: string;
  enrollmentCode: string;
  close(): Promise<void>;
}

export async function startAppStation(
  server: TestServer,
  input: {
    name: string;
    kind: string;
    ward_id?: string | null;
    enrol?: boolean;
    /** The key from a passphrase typed in the app (the host starts locked), as `--passphrase`. */
    passphrase?: boolean;
    /** The data directory (default: a new temporary one), e.g. on a small tmpfs. */
    dir?: string;
  },
): Promise<AppStation> {
  const proxy = new TcpProxy(Number(new URL(server.url).port));
  const url = await proxy.start();
  const created = await server.createWorkstation({
    name: input.name,
    kind: input.kind,
    ward_id: input.ward_id ?? null,
  });
  const dir = input.dir ?? mkdtempSync(join(tmpdir(), 'hms-app-'));
  const host = await WorkstationHost.open({
    dataDir: dir,
    key: input.passphrase
      ? { fromPassphrase: (p) => keyFromPassphrase(dir, p), firstTime: () => !hasPassphrase(dir) }
      : KEY,
    heartbeatMs: 500,
    appVersion: '1.0.0',
    ...(input.enrol === false ? {} : { server: url, enrollmentCode: created.enrollment_code }),
  });
  const ui = await startBrowserMode({ host, staticDir: RENDERER_DIST, port: 0 });
  return {
    host,
    ui,
    proxy,
    dir,
    id: created.id,
    serverUrl: url,
    enrollmentCode: created.enrollment_code,
    async close() {
      await ui.close().catch(() => {});
      await host.stop().catch(() => {});
      await proxy.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
