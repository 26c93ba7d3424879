/**
 * Child processes for fault tests: a TypeScript entry run with `node --import tsx` (with the runtime
 * tsconfig that drops the type-only better-sqlite3 path mapping), its stdout read line by line, and
 * killed for real with SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface Child {
  proc: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves with the first line (past or future) matching `re`; rejects on exit or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  /** SIGKILL and wait for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM (then SIGKILL after `ms`) and wait for the exit. */
  stop(ms?: number): Promise<void>;
  exited: Promise<number | null>;
}

export function spawnTs(entry: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, entry), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TSX_TSCONFIG_PATH: resolve(ROOT, 'main/core/tsconfig.cli.json'), ...env },
  });
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  createInterface({ input: proc.stdout as NonNullable<ChildProcess['stdout']> }).on('line', (line) => {
    lines.push(line);
    for (const l of listeners) l(line);
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
    if (process.env.HMS_TEST_LOG) process.stderr.write(d);
  });
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  const child: Child = {
    proc,
    lines,
    exited,
    waitFor(re, ms = 30_000) {
      const seen = lines.find((l) => re.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((res, rej) => {
        const done = (fn: () => void) => {
          clearTimeout(timer);
          listeners.delete(on);
          fn();
        };
        const on = (line: string) => {
          if (re.test(line)) done(() => res(line));
        };
        const timer = setTimeout(() => done(() => rej(new Error(`${entry}: no line ${re} in ${ms} ms`))), ms);
        listeners.add(on);
        void exited.then((code) =>
          done(() => rej(new Error(`${entry} exited (${code}) before ${re}; stderr: ${stderr}`))),
        );
      });
    },
    async kill9() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
    async stop(ms = 10_000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), ms);
        await exited;
        clearTimeout(t);
      }
    },
  };
  return child;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A TCP port free on loopback just now (for a child server that must keep its port across restarts). */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
