import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareVersions, listReleases, readManifest, sortReleases } from './releases.ts';

// What electron-builder 26 writes (trimmed): the version and date are top-level scalars.
const LATEST_YML = `version: 1.1.0
files:
  - url: HMS-Workstation-Setup-1.1.0.exe
    sha512: abc==
    size: 4096
path: HMS-Workstation-Setup-1.1.0.exe
sha512: abc==
releaseDate: '2025-03-04T09:15:00.000Z'
`;

describe('readManifest', () => {
  it('reads the version and the release date of an electron-builder latest.yml', () => {
    expect(readManifest(LATEST_YML)).toEqual({ version: '1.1.0', released_at: '2025-03-04T09:15:00.000Z' });
  });

  it('answers null for what is missing or not a date, and ignores indented keys', () => {
    expect(readManifest('files:\n  - version: 9.9.9\n')).toEqual({ version: null, released_at: null });
    expect(readManifest('version: "2.0.0"\r\nreleaseDate: soon\r\n')).toEqual({
      version: '2.0.0',
      released_at: null,
    });
  });
});

describe('compareVersions', () => {
  it('orders numerically, part by part, as semver does', () => {
    const sorted = ['1.10.0', '1.2.0', '1.9.2', '0.9.0', '1.1.0-beta.2', '1.1.0', '1.1.0-beta.10'].sort(
      compareVersions,
    );
    expect(sorted).toEqual(['0.9.0', '1.1.0-beta.2', '1.1.0-beta.10', '1.1.0', '1.2.0', '1.9.2', '1.10.0']);
  });

  it('treats equal versions as equal, with or without a leading v or build metadata', () => {
    expect(compareVersions('v1.0.0', '1.0.0+build.7')).toBe(0);
    expect(compareVersions('1.0', '1.0.0')).toBe(0);
  });
});

describe('sortReleases', () => {
  it('puts offerable releases first, newest version first, and the rest by name', () => {
    const f = (name: string, version: string | null, offerable = version !== null) => ({
      name,
      version,
      released_at: null,
      offerable,
    });
    const sorted = sortReleases([
      f('incoming', null),
      f('1.9.0', '1.9.0'),
      f('1.10.0', '1.10.0'),
      f('a', null),
    ]);
    expect(sorted.map((r) => r.name)).toEqual(['1.10.0', '1.9.0', 'a', 'incoming']);
  });
});

describe('listReleases', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hms-releases-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const plain = (name: string) => !name.startsWith('.');

  it('describes every plain folder, newest offerable release first', () => {
    for (const v of ['1.0.0', '1.1.0']) {
      mkdirSync(join(dir, v));
      writeFileSync(join(dir, v, 'latest.yml'), LATEST_YML.replaceAll('1.1.0', v));
    }
    mkdirSync(join(dir, '1.2.0-copying'));
    mkdirSync(join(dir, '.partial'));
    writeFileSync(join(dir, 'notes.txt'), 'not a folder');
    expect(listReleases(dir, plain)).toEqual([
      { name: '1.1.0', version: '1.1.0', released_at: '2025-03-04T09:15:00.000Z', offerable: true },
      { name: '1.0.0', version: '1.0.0', released_at: '2025-03-04T09:15:00.000Z', offerable: true },
      { name: '1.2.0-copying', version: null, released_at: null, offerable: false },
    ]);
  });

  it('answers no release for a releases directory that does not exist yet', () => {
    expect(listReleases(join(dir, 'missing'), plain)).toEqual([]);
  });
});
