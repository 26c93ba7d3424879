/**
 * Desktop builds through electron-builder itself, here without the Electron binary: a stub Electron
 * (test/support/stub-electron.ts) stands in for the download, so what a build does to the app, the
 * natives, the fuses, the update configuration and the Windows signature is checked on this machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { extractAll, listPackage } from '@electron/asar';
import { getCurrentFuseWire } from '@electron/fuses';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { NtExecutable, NtExecutableResource, Resource } from 'resedit';
import { afterAll, describe, expect, it } from 'vitest';
import { FUSES } from '../main/electron/fuses.ts';
import { startBundledCore } from '../test/support/bundled-core.ts';
import { stubElectronDist } from '../test/support/stub-electron.ts';
import { appManifest, dist, nativeFilesFor } from './dist.ts';

const ROOT = resolve(import.meta.dirname, '..');
const base = mkdtempSync(join(tmpdir(), 'hms-dist-test-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** The fuse wire of a built executable as '0'/'1' per fuse, in @electron/fuses' order. */
async function wireOf(executable: string): Promise<string> {
  const wire = (await getCurrentFuseWire(executable)) as Record<string, unknown>;
  return Object.keys(wire)
    .filter((k) => k !== 'version')
    .map((k) => String.fromCharCode(wire[k] as number))
    .join('');
}

/** FUSES (main/electron/fuses.ts) as the wire a build must leave; index 6, the V8 snapshot fuse, stays Electron's '0'. */
const EXPECTED_WIRE = [
  FUSES.runAsNode,
  FUSES.enableCookieEncryption,
  FUSES.enableNodeOptionsEnvironmentVariable,
  FUSES.enableNodeCliInspectArguments,
  FUSES.enableEmbeddedAsarIntegrityValidation,
  FUSES.onlyLoadAppFromAsar,
  false,
  FUSES.grantFileProtocolExtraPrivileges,
]
  .map((on) => (on ? '1' : '0'))
  .join('');

/** Packages in the app's node_modules (scoped ones as @scope/name). */
const packagesIn = (paths: string[]) =>
  new Set(
    paths
      .map((p) => p.replace(/^\//, '').split('/'))
      .filter((parts) => parts[0] === 'node_modules' && parts.length > 2)
      .map((parts) => (parts[1]?.startsWith('@') ? `${parts[1]}/${parts[2]}` : (parts[1] as string))),
  );

describe('electron-builder.yml', () => {
  it("passes electron-builder's own validator, and the validator does refuse a wrong option", async () => {
    const config = await getConfig(ROOT, null, null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...config, nsis: { perUser: true } } as never, new DebugLogger(false)),
    ).rejects.toThrow(/configuration\.nsis/);
  });

  it('holds the traps shut: no build-time URL or rebuild, signing forced only by --release, the fuses of fuses.ts', async () => {
    const config = await getConfig(ROOT, null, null);
    const text = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
    expect(text).not.toMatch(/\$\{env\./);
    expect(text).not.toMatch(/\$\{platform\}/);
    expect(config.npmRebuild).toBe(false);
    expect(config.forceCodeSigning).toBe(false);
    expect(config.electronFuses).toEqual(FUSES);
    expect(config.nsis).toMatchObject({ perMachine: false, allowElevation: false });
    expect(config.publish).toEqual({ provider: 'generic', url: 'https://updates.invalid/hms' });
    // No platform-level file lists: they replace the top-level one instead of adding to it.
    for (const os of ['win', 'linux', 'mac'] as const) expect(config[os]).not.toHaveProperty('files');
  });

  it('names exactly one native binary per addon for each target', () => {
    expect(nativeFilesFor({ os: 'win', arch: 'x64' })).toEqual([
      'better-sqlite3/prebuilds/win32-x64.node',
      '@node-rs/argon2-win32-x64-msvc/argon2.win32-x64-msvc.node',
    ]);
    expect(nativeFilesFor({ os: 'mac', arch: 'arm64' })).toEqual([
      'better-sqlite3/prebuilds/darwin-arm64.node',
      '@node-rs/argon2-darwin-arm64/argon2.darwin-arm64.node',
    ]);
    expect(Object.keys(appManifest().dependencies).sort()).toEqual(['@node-rs/argon2', 'better-sqlite3']);
  });
});

describe('npm run dist -- --linux --dir (stub Electron)', () => {
  const out = join(base, 'linux');
  const unpacked = join(out, 'out/linux-unpacked');
  let built: Promise<void> | null = null;
  const build = () => {
    built ??= dist({
      target: { os: 'linux', arch: 'x64' },
      dir: true,
      electronDist: stubElectronDist(join(out, 'electron'), 'linux'),
      output: join(out, 'out'),
      stageDir: join(out, 'app'),
    }).then(() => undefined);
    return built;
  };

  it('packs the shell, core, preload, renderer and migrations, and nothing of the server', {
    timeout: 180_000,
  }, async () => {
    await build();
    const asar = listPackage(join(unpacked, 'resources/app.asar'), { isPack: false });
    for (const f of [
      '/main.mjs',
      '/core-process.mjs',
      '/preload.cjs',
      '/renderer/index.html',
      '/package.json',
    ])
      expect(asar).toContain(f);
    expect(asar.some((f) => f.startsWith('/migrations/sqlite/') && f.endsWith('.sql'))).toBe(true);
    expect(packagesIn(asar)).toEqual(
      new Set(['better-sqlite3', '@node-rs/argon2', '@node-rs/argon2-linux-x64-gnu']),
    );
    // Nothing of the server, the bench, the tests or the Postgres schema.
    expect(
      asar.filter((f) =>
        /fastify|pglite|\/pg\/|esbuild|drizzle-kit|seed|\.test\.|migrations\/pg|\.map$/.test(f),
      ),
    ).toEqual([]);
    const unpackedNatives = filesUnder(join(unpacked, 'resources/app.asar.unpacked')).filter((f) =>
      f.endsWith('.node'),
    );
    expect(unpackedNatives.sort()).toEqual(
      nativeFilesFor({ os: 'linux', arch: 'x64' })
        .map((f) => `node_modules/${f}`)
        .sort(),
    );
  });

  it('writes app-update.yml with the placeholder and sets the fuses of fuses.ts', {
    timeout: 180_000,
  }, async () => {
    await build();
    expect(readFileSync(join(unpacked, 'resources/app-update.yml'), 'utf8')).toMatch(
      /^provider: generic\nurl: https:\/\/updates\.invalid\/hms\n/,
    );
    expect(await wireOf(join(unpacked, 'hms-workstation'))).toBe(EXPECTED_WIRE);
  });

  it('extracted, opens an encrypted database and hashes with argon2 under Node', {
    timeout: 180_000,
  }, async () => {
    await build();
    const app = join(out, 'extracted');
    extractAll(join(unpacked, 'resources/app.asar'), app);
    execFileSync('cp', ['-r', `${join(unpacked, 'resources/app.asar.unpacked')}/.`, app]);
    const data = join(out, 'data');
    mkdirSync(data);
    const core = startBundledCore(join(app, 'core-process.mjs'));
    try {
      core.send({ start: { dataDir: data, key: 'packaged-test-key' } });
      expect(await core.next()).toEqual({ ready: true });
      core.send({ call: { id: 1, channel: 'setup.state', args: {} } });
      expect(await core.next()).toMatchObject({
        frame: { id: 1, envelope: { ok: true, value: { enrolled: false } } },
      });
      core.send({ stop: true });
      expect(await core.next()).toEqual({ stopped: true });
    } finally {
      core.kill();
    }
    // Encrypted: not a plain SQLite file.
    const head = readFileSync(join(data, 'workstation.db')).subarray(0, 16).toString('latin1');
    expect(head).not.toBe('SQLite format 3\0');
    const hash = execFileSync(
      process.execPath,
      [
        '-e',
        `process.stdout.write(require(${JSON.stringify(join(app, 'node_modules/@node-rs/argon2'))}).hashSync('x'))`,
      ],
      { encoding: 'utf8' },
    );
    expect(hash).toMatch(/^\$argon2id\$/);
  });
});

describe('npm run dist -- --win --dir on Linux (stub Electron, a throwaway certificate)', () => {
  const out = join(base, 'win');
  const cert = join(out, 'cert');
  const exe = join(out, 'out/win-unpacked/HMS Workstation.exe');
  const env = { ...process.env };
  afterAll(() => {
    process.env = env;
  });

  const build = (release: boolean) =>
    dist({
      target: { os: 'win', arch: 'x64' },
      dir: true,
      release,
      electronDist: stubElectronDist(join(out, 'electron'), 'win'),
      output: join(out, 'out'),
      stageDir: join(out, 'app'),
    });

  it('a release build without a certificate fails: forceCodeSigning', { timeout: 180_000 }, async () => {
    delete process.env.CSC_LINK;
    delete process.env.WIN_CSC_LINK;
    await expect(build(true)).rejects.toThrow(/not signed and "forceCodeSigning" is set/);
  });

  it('a release build is signed (Debian osslsigncode), carries version info, the fuses and the Windows natives', {
    timeout: 180_000,
  }, async () => {
    mkdirSync(cert, { recursive: true });
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=HMS Test Signing',
        '-addext',
        'extendedKeyUsage=codeSigning',
        '-keyout',
        join(cert, 'key.pem'),
        '-out',
        join(cert, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-out',
      join(cert, 'test.pfx'),
      '-inkey',
      join(cert, 'key.pem'),
      '-in',
      join(cert, 'cert.pem'),
      '-passout',
      'pass:throwaway',
    ]);
    Object.assign(process.env, {
      CSC_LINK: join(cert, 'test.pfx'),
      CSC_KEY_PASSWORD: 'throwaway',
      // Debian's osslsigncode instead of electron-builder's download, and no timestamp server (no internet).
      USE_SYSTEM_OSSLSIGNCODE: 'true',
      ELECTRON_BUILDER_OFFLINE: 'true',
    });
    await build(true);

    const verified = execFileSync('osslsigncode', ['verify', '-CAfile', join(cert, 'cert.pem'), '-in', exe], {
      encoding: 'utf8',
    });
    expect(verified).toMatch(/Signature verification: ok/);
    expect(verified).toMatch(/HMS Test Signing/);

    const res = NtExecutableResource.from(NtExecutable.from(readFileSync(exe), { ignoreCert: true }));
    const [info] = Resource.VersionInfo.fromEntries(res.entries);
    const strings = info?.getStringValues({ lang: 0x0409, codepage: 1200 });
    expect(strings).toMatchObject({ ProductName: 'HMS Workstation', FileVersion: appManifest().version });

    expect(await wireOf(exe)).toBe(EXPECTED_WIRE);
    const natives = filesUnder(join(out, 'out/win-unpacked/resources/app.asar.unpacked')).filter((f) =>
      f.endsWith('.node'),
    );
    expect(natives.sort()).toEqual(
      nativeFilesFor({ os: 'win', arch: 'x64' })
        .map((f) => `node_modules/${f}`)
        .sort(),
    );
  });
});
