/** Starts bench/server.ts in a child process and waits for its URL. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function spawnServer(
  dbUrl: string,
  opts: { profileDir?: string | undefined; keyDir?: string } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(here, 'server.ts'), dbUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: resolve(here, '..'),
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: resolve(here, 'tsconfig.run.json'),
      ...(opts.profileDir ? { BENCH_PROFILE_DIR: opts.profileDir } : {}),
      // Instances of one deployment share the server's keys (grants signed by one are read by the other).
      ...(opts.keyDir ? { BENCH_KEY_DIR: opts.keyDir } : {}),
    },
  });
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error('bench server did not start within 60 s')), 60_000);
    child.once('exit', (code) => rej(new Error(`bench server exited with ${code}`)));
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { url?: string };
        if (parsed.url) {
          clearTimeout(timer);
          res(parsed.url);
        }
      } catch {
        // not ours
      }
    });
  });
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}
