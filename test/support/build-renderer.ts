/**
 * Vitest global set-up: builds the renderer once per run, so the end-to-end tests drive the app as it
 * ships (and a renderer that does not build fails `npm test`). In a child process, as
 * `npm run build:renderer` runs it: inside Vitest, NODE_ENV=test would give React's development build.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const vite = `${root}node_modules/vite/bin/vite.js`;
  execFileSync(
    process.execPath,
    [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'inherit',
    },
  );
}
