/**
 * The desktop app's bundles build, and hold what Electron needs: a sandboxed preload that requires
 * nothing but `electron`, a shell and a core that load only Node's own modules, Electron and the
 * native addons from outside the bundle, and the renderer beside them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBundledCore } from '../test/support/bundled-core.ts';
import { buildApp } from './build-app.ts';

/** Modules a bundle loads from outside itself: top-level `import … from "x"` / `import "x"`, and `require("x")`. */
const requires = (file: string) =>
  [
    ...readFileSync(file, 'utf8').matchAll(
      /^import\s[^;'"]*?from\s*["']([^"']+)["']|^import\s*["']([^"']+)["']|\brequire\(\s*["']([^"']+)["']\s*\)/gm,
    ),
  ].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
const ROOT = resolve(import.meta.dirname, '..');
const builtin = (m: string) => m.startsWith('node:') || builtinModules.includes(m);

describe('npm run app: the desktop bundles', () => {
  // Inside the checkout, so the bundles find the native modules in node_modules as the app would.
  const out = mkdtempSync(join(ROOT, '.tmp-app-'));
  const data = mkdtempSync(join(tmpdir(), 'hms-app-data-'));
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  });

  it('builds the shell, the core process, the preload and the renderer', { timeout: 60_000 }, async () => {
    await buildApp(out);
    for (const f of [
      'main.mjs',
      'core-process.mjs',
      'preload.cjs',
      'renderer/index.html',
      'migrations/sqlite',
    ])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(new Set(requires(join(out, 'preload.cjs')))).toEqual(new Set(['electron']));
    for (const f of ['main.mjs', 'core-process.mjs'])
      expect(
        requires(join(out, f)).filter(
          (m) => !builtin(m) && !['electron', 'better-sqlite3', '@node-rs/argon2'].includes(m),
        ),
        f,
      ).toEqual([]);
  });

  it('runs the bundled core as Electron runs it: opens its database with the shipped migrations and answers calls', {
    timeout: 60_000,
  }, async () => {
    const { send, next, kill } = startBundledCore(join(out, 'core-process.mjs'));
    try {
      send({ start: { dataDir: data, key: 'bundle-test-key' } });
      expect(await next()).toEqual({ ready: true });
      send({ call: { id: 1, channel: 'setup.state', args: {} } });
      expect(await next()).toEqual({
        frame: {
          id: 1,
          envelope: {
            ok: true,
            value: {
              locked: false,
              firstPassphrase: false,
              enrolled: false,
              server: null,
              workstationCode: null,
              kind: null,
            },
          },
        },
      });
      send({ call: { id: 2, channel: 'patients.search', args: { query: 'x' } } });
      expect(await next()).toMatchObject({
        frame: { id: 2, envelope: { ok: false, error: { code: 'not_enrolled' } } },
      });
      send({ stop: true });
      expect(await next()).toEqual({ stopped: true });
      // The database was created and migrated from the bundle's own copy of the migrations.
      expect(existsSync(join(data, 'workstation.db'))).toBe(true);
    } finally {
      kill();
    }
  });
});
