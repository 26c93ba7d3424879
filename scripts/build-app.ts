/**
 * `npm run app`: bundles the Electron shell, the core's utility process and the preload into
 * `dist-app/` beside the built renderer, then starts Electron on it. Electron's binary is not
 * downloadable on our build machines (DESIGN §2), so there the last step fails with Electron's own
 * message; everything before it (and browser mode) runs anywhere. Packaging (electron-builder,
 * signing, fuses) is the desktop-build issue's.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * The shell and the core as ES modules (they find their files through `import.meta`); native modules
 * and Electron stay outside (loaded from node_modules), and bundled CommonJS code gets a `require`.
 */
const NODE_SIDE: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: ['electron', 'better-sqlite3', '@node-rs/argon2'],
  banner: {
    js: "import { createRequire as __hmsRequire } from 'node:module'; const require = __hmsRequire(import.meta.url);",
  },
  logLevel: 'warning',
};

export async function buildApp(out = join(ROOT, 'dist-app')): Promise<string> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await Promise.all([
    build({
      ...NODE_SIDE,
      entryPoints: [join(ROOT, 'main/electron/main.ts')],
      outfile: join(out, 'main.mjs'),
    }),
    build({
      ...NODE_SIDE,
      entryPoints: [join(ROOT, 'main/electron/core-process.ts')],
      outfile: join(out, 'core-process.mjs'),
    }),
    // A sandboxed preload is CommonJS and may require only `electron`: everything else is bundled in.
    build({
      ...NODE_SIDE,
      format: 'cjs',
      banner: {},
      external: ['electron'],
      entryPoints: [join(ROOT, 'preload/index.ts')],
      outfile: join(out, 'preload.cjs'),
    }),
  ]);
  cpSync(join(ROOT, 'renderer/dist'), join(out, 'renderer'), { recursive: true });
  cpSync(join(ROOT, 'db/migrations/sqlite'), join(out, 'migrations/sqlite'), { recursive: true });
  return out;
}

/**
 * The Electron binary's path, or null where it is not installed (its download needs the internet).
 * Read from the package's own `path.txt`, not by loading the package, which would try to download it.
 */
function electronBinary(): string | null {
  const pkg = join(ROOT, 'node_modules/electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const binary = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

if (process.argv[1] === import.meta.filename) {
  const out = await buildApp();
  const binary = electronBinary();
  if (!binary) {
    process.stderr.write(
      `Built the desktop app into ${out}, but the Electron binary is not installed here (npm's electron package ` +
        'downloads it from the internet at install time). Run the same app in browser mode instead: npm start, or ' +
        'npm run workstation -- --data <dir>.\n',
    );
    process.exit(1);
  }
  const electron = spawnSync(binary, [join(out, 'main.mjs')], { stdio: 'inherit' });
  process.exit(electron.status ?? 1);
}
