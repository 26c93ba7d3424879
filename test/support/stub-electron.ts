/**
 * A stand-in for Electron's distribution (the real one cannot be downloaded here), for packaging
 * tests through electron-builder's `electronDist`. Its executable carries what a build edits in the
 * real one: the fuse wire after its sentinel, as Electron 45 ships it; on Windows a real PE file with
 * version resources, so version info, asar integrity and signing have something to work on.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NtExecutable, NtExecutableResource, Resource } from 'resedit';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/**
 * Electron 45's default wire: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on,
 * asar integrity off, only-asar off, browser V8 snapshot off, file:// privileges on ('1' = on, '0' = off).
 */
export const DEFAULT_WIRE = '10110001';

function fuseBlock(): Buffer {
  return Buffer.concat([
    Buffer.from(SENTINEL, 'latin1'),
    Buffer.from([1, DEFAULT_WIRE.length]),
    Buffer.from(DEFAULT_WIRE),
  ]);
}

export function stubElectronDist(dir: string, os: 'linux' | 'win'): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  mkdirSync(join(dir, 'locales'), { recursive: true });
  writeFileSync(join(dir, 'locales/en-US.pak'), 'stub');
  writeFileSync(join(dir, 'LICENSE'), 'stub');
  writeFileSync(join(dir, 'version'), '45.4.1');
  if (os === 'linux') {
    writeFileSync(join(dir, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n'), fuseBlock()]), {
      mode: 0o755,
    });
    return dir;
  }
  // A 64-bit PE with an empty version resource and the fuse wire in a data resource.
  const exe = NtExecutable.createEmpty(true, false);
  const res = NtExecutableResource.from(exe);
  const vi = Resource.VersionInfo.createEmpty();
  vi.lang = 0x0409;
  vi.setStringValues(
    { lang: 0x0409, codepage: 1200 },
    { ProductName: 'Electron', FileDescription: 'Electron' },
  );
  vi.setFileVersion(45, 4, 1, 0);
  vi.outputToResourceEntries(res.entries);
  const block = fuseBlock();
  const bin = new ArrayBuffer(block.byteLength);
  new Uint8Array(bin).set(block);
  res.entries.push({
    type: 10, // RT_RCDATA
    id: 1,
    lang: 0x0409,
    codepage: 1200,
    bin,
  });
  res.outputResource(exe);
  writeFileSync(join(dir, 'electron.exe'), Buffer.from(exe.generate()));
  return dir;
}
