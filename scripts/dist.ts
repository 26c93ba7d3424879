/**
 * `npm run dist -- --linux|--win|--mac [--arch x64|arm64] [--dir] [--release]`: a desktop build from
 * `electron-builder.yml`, one target at a time.
 *
 * The app electron-builder packs is staged in `dist-app/`, not taken from the checkout: the bundles
 * `npm run app` makes (shell, core, preload, renderer, the workstation's migrations) and a
 * `node_modules` holding only the two native addons the bundles leave outside, each with the
 * *target's* binary. So a Windows build made on Linux carries the Windows SQLite and argon2
 * binaries and nothing of the server (fastify, Postgres drivers, PGlite, esbuild, seeds, tests).
 * No native module is rebuilt: both ship N-API binaries Electron loads as they are.
 *
 * `--release` makes signing mandatory (`forceCodeSigning`); certificates come only from the
 * environment (CSC_LINK / CSC_KEY_PASSWORD, or WIN_CSC_LINK for Windows from another OS).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Arch, build, type Configuration, Platform } from 'electron-builder';
import { buildApp } from './build-app.ts';

const ROOT = resolve(import.meta.dirname, '..');

export type TargetOs = 'linux' | 'win' | 'mac';
export type TargetArch = 'x64' | 'arm64';
export interface DistTarget {
  os: TargetOs;
  arch: TargetArch;
}

const NODE_PLATFORM: Record<TargetOs, 'linux' | 'win32' | 'darwin'> = {
  linux: 'linux',
  win: 'win32',
  mac: 'darwin',
};

/** napi-rs names its per-platform packages after the ABI as well as the OS and CPU. */
const ARGON2_SUFFIX: Record<`${TargetOs}-${TargetArch}`, string> = {
  'linux-x64': 'linux-x64-gnu',
  'linux-arm64': 'linux-arm64-gnu',
  'win-x64': 'win32-x64-msvc',
  'win-arm64': 'win32-arm64-msvc',
  'mac-x64': 'darwin-x64',
  'mac-arm64': 'darwin-arm64',
};

/** The native files a target's app carries, relative to its `node_modules`: one per addon, the target's. */
export function nativeFilesFor({ os, arch }: DistTarget): string[] {
  const suffix = ARGON2_SUFFIX[`${os}-${arch}`];
  return [
    `better-sqlite3/prebuilds/${NODE_PLATFORM[os]}-${arch}.node`,
    `@node-rs/argon2-${suffix}/argon2.${suffix}.node`,
  ];
}

const rootPackage = () =>
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
    description: string;
    dependencies: Record<string, string>;
  };

/** The staged app's manifest: what electron-builder names and versions the build by, and its only dependencies. */
export function appManifest(root = rootPackage()) {
  return {
    name: 'hms-workstation',
    productName: 'HMS Workstation',
    version: root.version,
    description: root.description,
    // The deb's maintainer field, and the publisher shown by Windows.
    author: { name: 'HMS project', email: 'it@hms.invalid' },
    main: 'main.mjs',
    dependencies: {
      'better-sqlite3': root.dependencies['better-sqlite3'],
      '@node-rs/argon2': root.dependencies['@node-rs/argon2'],
    },
  };
}

/** The lockfile's integrity for a package, so a binary fetched for another platform is the one pinned. */
function lockedIntegrity(name: string): { version: string; integrity: string } {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; integrity?: string }>;
  };
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry?.version || !entry.integrity) throw new Error(`${name} is not pinned in package-lock.json`);
  return { version: entry.version, integrity: entry.integrity };
}

/**
 * The target's argon2 binary package: from node_modules when npm installed it for this machine, else
 * fetched from the registry at the locked version and checked against the lockfile's integrity.
 */
function argon2Package(target: DistTarget, into: string) {
  const name = `@node-rs/argon2-${ARGON2_SUFFIX[`${target.os}-${target.arch}`]}`;
  const dest = join(into, name);
  const installed = join(ROOT, 'node_modules', name);
  if (existsSync(installed)) {
    cpSync(installed, dest, { recursive: true });
    return;
  }
  const { version, integrity } = lockedIntegrity(name);
  const work = mkdtempSync(join(tmpdir(), 'hms-native-'));
  try {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', `${name}@${version}`, '--json', '--pack-destination', work], {
        encoding: 'utf8',
      }),
    ) as { filename: string }[];
    const tarball = join(work, (packed as { filename: string }).filename);
    const [algo, expected] = integrity.split('-', 2) as [string, string];
    const actual = createHash(algo).update(readFileSync(tarball)).digest('base64');
    if (actual !== expected)
      throw new Error(`${name}@${version} does not match package-lock.json's integrity`);
    mkdirSync(dest, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Stages the app for one target in `out`: the bundles, the manifest, and `node_modules` with the two
 * addons' JavaScript and exactly the target's binaries.
 */
export async function stageApp(target: DistTarget, out = join(ROOT, 'dist-app')): Promise<string> {
  await buildApp(out);
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(appManifest(), null, 2)}\n`);
  const modules = join(out, 'node_modules');

  // The SQLite cipher: its loader, its licence, the target's prebuilt binary. Its one dependency
  // (node-addon-api, C++ headers) is for compiling it, which nobody does here.
  const sqliteFrom = join(ROOT, 'node_modules/better-sqlite3');
  const sqlite = join(modules, 'better-sqlite3');
  cpSync(join(sqliteFrom, 'lib'), join(sqlite, 'lib'), { recursive: true });
  cpSync(join(sqliteFrom, 'LICENSE'), join(sqlite, 'LICENSE'));
  const sqlitePkg = JSON.parse(readFileSync(join(sqliteFrom, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  delete sqlitePkg.dependencies;
  delete sqlitePkg.scripts;
  writeFileSync(join(sqlite, 'package.json'), JSON.stringify(sqlitePkg, null, 2));
  const [sqliteBinary] = nativeFilesFor(target) as [string, string];
  mkdirSync(join(sqlite, 'prebuilds'));
  cpSync(join(ROOT, 'node_modules', sqliteBinary), join(modules, sqliteBinary));

  // argon2: its loader (it picks the platform package at run time) and the target's package only.
  const argonFrom = join(ROOT, 'node_modules/@node-rs/argon2');
  for (const f of readdirSync(argonFrom)) cpSync(join(argonFrom, f), join(modules, '@node-rs/argon2', f));
  argon2Package(target, modules);
  return out;
}

export interface DistOptions {
  target: DistTarget;
  /** Only the unpacked app (`--dir`), no installer. */
  dir?: boolean;
  /** A release build: signing is required. */
  release?: boolean;
  /** A local Electron to package instead of downloading one (tests use a stub). */
  electronDist?: string;
  output?: string;
  stageDir?: string;
}

const PLATFORM: Record<TargetOs, Platform> = {
  linux: Platform.LINUX,
  win: Platform.WINDOWS,
  mac: Platform.MAC,
};

export async function dist(opts: DistOptions): Promise<string[]> {
  const app = await stageApp(opts.target, opts.stageDir);
  const overrides: Configuration = {
    directories: {
      app,
      output: opts.output ?? join(ROOT, 'dist/desktop'),
    },
    forceCodeSigning: opts.release === true,
    // A release for macOS is notarised by Apple (APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID).
    ...(opts.release && opts.target.os === 'mac' ? { mac: { notarize: true } } : {}),
    ...(opts.electronDist ? { electronDist: opts.electronDist } : {}),
  };
  const targets = PLATFORM[opts.target.os].createTarget(opts.dir ? 'dir' : undefined, Arch[opts.target.arch]);
  return build({ projectDir: ROOT, targets, config: overrides, publish: 'never' });
}

if (process.argv[1] === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      linux: { type: 'boolean' },
      win: { type: 'boolean' },
      mac: { type: 'boolean' },
      arch: { type: 'string', default: 'x64' },
      dir: { type: 'boolean' },
      release: { type: 'boolean' },
    },
  });
  const os: TargetOs = values.win ? 'win' : values.mac ? 'mac' : values.linux ? 'linux' : hostOs();
  if (values.arch !== 'x64' && values.arch !== 'arm64') throw new Error('--arch is x64 or arm64');
  const files = await dist({
    target: { os, arch: values.arch },
    dir: values.dir === true,
    release: values.release === true,
  });
  process.stdout.write(`${files.join('\n')}\n`);
}

function hostOs(): TargetOs {
  return process.platform === 'win32' ? 'win' : process.platform === 'darwin' ? 'mac' : 'linux';
}
