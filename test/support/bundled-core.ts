/**
 * Runs the bundled core (`core-process.mjs`, as `npm run app` or a desktop build ships it) under plain
 * Node the way Electron's utility process runs it: a stand-in for `process.parentPort` relays JSON
 * lines on stdin and stdout.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const SHIM = `import { createInterface } from 'node:readline';
const listeners = [];
process.parentPort = {
  on: (_e, fn) => listeners.push(fn),
  postMessage: (m) => process.stdout.write(JSON.stringify(m) + '\\n'),
};
createInterface({ input: process.stdin }).on('line', (l) => { for (const fn of listeners) fn({ data: JSON.parse(l) }); });
`;

export function startBundledCore(coreFile: string) {
  const shim = join(dirname(coreFile), 'parent-port-shim.mjs');
  writeFileSync(shim, SHIM);
  const child = spawn(process.execPath, ['--import', shim, coreFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  return {
    next: () => new Promise<Record<string, unknown>>((res) => lines.once('line', (l) => res(JSON.parse(l)))),
    send: (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`),
    kill: () => child.kill(),
  };
}
