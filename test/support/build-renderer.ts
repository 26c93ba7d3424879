/**
 * Vitest global set-up: builds the renderer once per run, so the end-to-end tests drive the app as it
 * would ship (and a renderer that does not build fails `npm test`).
 */
import { build } from 'vite';

export default async function setup(): Promise<void> {
  await build({
    configFile: new URL('../../renderer/vite.config.ts', import.meta.url).pathname,
    logLevel: 'warn',
  });
}
