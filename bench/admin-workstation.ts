/**
 * Runs bench/workstation-child.ts (one admin workstation alone in a process) and gathers what it
 * reports: the initial sync (a), its memory (e) and the search timings (d). The child is started the
 * way the fault tests start theirs (`node --import tsx`, test/support/child.ts), with `--expose-gc`
 * so its memory can be read settled, and without the bench's own heap flags.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { MemorySample } from './memory.ts';
import type { SearchResult } from './search.ts';
import type { ChildConfig, ChildMessage } from './workstation-child.ts';

const here = dirname(fileURLToPath(import.meta.url));

export interface AdminWorkstationRun {
  syncMs: number;
  tables: string[];
  upToDateAtMs: Record<string, number>;
  profile: string | null;
  memory: {
    /** The core's modules loaded, the workstation not started: the process's floor. */
    loaded: MemorySample;
    /** The moment every shape was up to date (not settled). */
    atSync: MemorySample;
    /** 3 s after the initial sync (V8's freed pages still pooled). */
    early: MemorySample;
    /** Settled after the initial sync, the workstation live: figure (e). */
    afterSync: MemorySample;
    settleMs: number;
    /** After a login (its argon2 verifier) and the searches of (d). */
    afterSearch: MemorySample | null;
  };
  search: SearchResult | null;
}

export async function runAdminWorkstation(
  cfg: ChildConfig,
  log: (line: string) => void,
  label = '(a)',
): Promise<AdminWorkstationRun> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', resolve(here, 'workstation-child.ts')],
    {
      cwd: resolve(here, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: resolve(here, 'tsconfig.run.json'),
        BENCH_WS: JSON.stringify(cfg),
      },
    },
  );
  createInterface({ input: child.stderr as NonNullable<typeof child.stderr> }).on('line', log);
  // 'close', not 'exit': every stdout line has been read by then.
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  const got: Partial<Record<ChildMessage['type'], ChildMessage>> = {};
  let error: string | null = null;
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  lines.on('line', (line) => {
    let m: ChildMessage;
    try {
      m = JSON.parse(line) as ChildMessage;
    } catch {
      log(`  [ws] ${line}`);
      return;
    }
    got[m.type] = m;
    if (m.type === 'progress')
      log(
        `  ${label} ${m.seconds} s: ${m.upToDate}/${m.tables} tables up to date${m.lastError ? `; last error: ${m.lastError}` : ''}`,
      );
    else if (m.type === 'synced') log(`  ${label} synced in ${(m.syncMs / 1000).toFixed(1)} s`);
    else if (m.type === 'error') error = m.message;
  });
  // A hung child must not hang the bench: the sync has its own timeout; searches take seconds.
  const limit = setTimeout(() => child.kill('SIGKILL'), cfg.timeoutMs + 300_000);
  const code = await exited;
  clearTimeout(limit);
  if (error) throw new Error(`workstation child: ${error}`);
  const loaded = got.loaded;
  const synced = got.synced;
  const memory = got.memory;
  const search = got.search;
  if (
    code !== 0 ||
    !got.done ||
    loaded?.type !== 'loaded' ||
    synced?.type !== 'synced' ||
    memory?.type !== 'memory'
  )
    throw new Error(`workstation child exited with ${code} before it finished`);
  return {
    syncMs: synced.syncMs,
    tables: synced.tables,
    upToDateAtMs: synced.upToDateAtMs,
    profile: synced.profile,
    memory: {
      loaded: loaded.memory,
      atSync: synced.memory,
      early: memory.early,
      afterSync: memory.memory,
      settleMs: memory.settleMs,
      afterSearch: search?.type === 'search' ? search.memory : null,
    },
    search: search?.type === 'search' ? search.search : null,
  };
}
