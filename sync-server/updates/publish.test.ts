import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
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
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkRelease, parseManifest, publishRelease, ReleaseError } from './publish.ts';

const ROOT = resolve(import.meta.dirname, '../..');
let work: string;
let releases: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'hms-publish-'));
  releases = join(work, 'releases');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** A built release as electron-builder leaves it: installer, blockmap, a manifest stating both. */
function built(version: string, opts: { manifestSize?: number; manifestSha?: string } = {}) {
  const dir = join(work, `build-${version}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  const exe = `HMS-Workstation-Setup-${version}.exe`;
  const bytes = Buffer.from(`installer ${version} `.repeat(1000));
  writeFileSync(join(dir, exe), bytes);
  writeFileSync(join(dir, `${exe}.blockmap`), `blockmap ${version}`);
  const sha = opts.manifestSha ?? createHash('sha512').update(bytes).digest('base64');
  writeFileSync(
    join(dir, 'latest.yml'),
    `version: ${version}\nfiles:\n  - url: ${exe}\n    sha512: ${sha}\n    size: ${opts.manifestSize ?? bytes.length}\npath: ${exe}\nsha512: ${sha}\nreleaseDate: '2026-12-05T10:00:00.000Z'\n`,
  );
  return dir;
}

/** What a releases directory holds, hidden folders included, to prove a refusal changed nothing. */
const snapshot = () =>
  existsSync(releases) ? readdirSync(releases, { recursive: true }).map(String).sort() : [];

describe('release:publish', () => {
  it('copies a checked release in under its version, with the earlier releases’ blockmaps', () => {
    const first = publishRelease(built('1.0.0'), releases);
    expect(first.folder).toBe(join(releases, '1.0.0'));
    expect(first.earlierBlockmaps).toEqual([]);
    const second = publishRelease(built('1.1.0'), releases);
    expect(second.version).toBe('1.1.0');
    expect(readdirSync(join(releases, '1.1.0')).sort()).toEqual([
      'HMS-Workstation-Setup-1.0.0.exe.blockmap',
      'HMS-Workstation-Setup-1.1.0.exe',
      'HMS-Workstation-Setup-1.1.0.exe.blockmap',
      'latest.yml',
    ]);
    expect(second.earlierBlockmaps).toEqual(['HMS-Workstation-Setup-1.0.0.exe.blockmap']);
    expect(snapshot().filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('refuses a release whose files do not match its manifest, listing every reason, and changes nothing', () => {
    publishRelease(built('1.0.0'), releases);
    const before = snapshot();
    const wrongSize = built('1.1.0', { manifestSize: 5 });
    expect(() => publishRelease(wrongSize, releases)).toThrow(/is \d+ bytes, latest\.yml says 5/);
    const wrongSha = built('1.1.0', { manifestSha: 'AAAA' });
    expect(() => publishRelease(wrongSha, releases)).toThrow(/does not match the sha512 in latest\.yml/);
    const missing = built('1.1.0');
    rmSync(join(missing, 'HMS-Workstation-Setup-1.1.0.exe'));
    expect(() => publishRelease(missing, releases)).toThrow(
      /HMS-Workstation-Setup-1\.1\.0\.exe, which is missing/,
    );
    const twoVersions = built('1.1.0');
    writeFileSync(join(twoVersions, 'latest-linux.yml'), readFileSync(join(built('1.2.0'), 'latest.yml')));
    expect(() => publishRelease(twoVersions, releases)).toThrow(/different versions: 1\.1\.0, 1\.2\.0/);
    expect(() => publishRelease(join(work, 'nowhere'), releases)).toThrow(/holds no latest\.yml/);
    expect(() => publishRelease(built('1.0.0'), releases)).toThrow(
      /already exists: a published release is never replaced/,
    );
    expect(() => publishRelease(built('1.1.0'), releases, '../x')).toThrow(/cannot name a release folder/);
    expect(snapshot()).toEqual(before);
  });

  it('reads manifests strictly: YAML errors, missing fields, file names with paths', () => {
    expect(() => parseManifest('latest.yml', 'version: [')).toThrow(ReleaseError);
    expect(() => parseManifest('latest.yml', 'version: banana\nfiles: []')).toThrow(
      /version a semantic version; files Too small/,
    );
    const dir = built('1.0.0');
    const text = readFileSync(join(dir, 'latest.yml'), 'utf8').replace('  - url: HMS', '  - url: ../HMS');
    writeFileSync(join(dir, 'latest.yml'), text);
    expect(() => checkRelease(dir)).toThrow(
      /names \.\.\/HMS-Workstation-Setup-1\.0\.0\.exe, which is not a file in this folder/,
    );
  });

  it('runs as npm run release:publish: exit 0 with what it did, exit 1 with the reasons', () => {
    const run = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'sync-server/release-publish-cli.ts'), ...args],
        {
          encoding: 'utf8',
          env: { ...process.env, HMS_RELEASES_DIR: releases, HMS_DATA_DIR: join(work, 'data') },
        },
      );
    const ok = run(built('1.0.0'));
    expect(ok.stdout).toMatch(/published 1\.0\.0 as .*1\.0\.0: latest\.yml and 2 files/);
    expect(ok.status).toBe(0);
    const refused = run(built('1.1.0', { manifestSize: 5 }));
    expect(refused.stderr).toMatch(/release not published:\n- HMS-Workstation-Setup-1\.1\.0\.exe is/);
    expect(refused.status).toBe(1);
    expect(readdirSync(releases)).toEqual(['1.0.0']);
  });
});
