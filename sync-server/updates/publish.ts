/**
 * `npm run release:publish -- <dir>`: puts a built release (electron-builder's output folder) into the
 * server's releases directory, where an admin can then point a ring at it.
 *
 * Nothing half-copied or wrong is ever offered: every manifest is parsed and every file it names is
 * checked (present, its size, its sha512) before anything is copied; the copy goes to a hidden folder
 * the server never serves and appears under its name in one rename. The blockmaps of the releases
 * already published are copied in too: a PC on 1.0.0 updating to 1.1.0 asks the 1.1.0 folder for
 * 1.0.0's blockmap to download only the blocks that changed.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { load } from 'js-yaml';
import semver from 'semver';
import { z } from 'zod';

/** The manifests electron-builder writes, one per OS family (Windows, Linux, macOS). */
export const MANIFESTS = ['latest.yml', 'latest-linux.yml', 'latest-mac.yml'] as const;

const Manifest = z.object({
  version: z.string().refine((v) => semver.valid(v) !== null, 'a semantic version'),
  files: z
    .array(z.object({ url: z.string().min(1), sha512: z.string().min(1), size: z.number().int().positive() }))
    .min(1),
  releaseDate: z.string().optional(),
});
export type Manifest = z.infer<typeof Manifest>;

export class ReleaseError extends Error {}

export interface CheckedRelease {
  version: string;
  manifests: string[];
  /** Every file the manifests name, and the blockmaps beside them. */
  files: string[];
  /** Installers without a blockmap: PCs will download them whole. */
  withoutBlockmap: string[];
}

const sha512 = (file: string) => createHash('sha512').update(readFileSync(file)).digest('base64');

/** Parses one manifest's text; the error says which manifest and what is wrong. */
export function parseManifest(name: string, text: string): Manifest {
  let raw: unknown;
  try {
    raw = load(text);
  } catch (e) {
    throw new ReleaseError(`${name} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success)
    throw new ReleaseError(
      `${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'manifest'} ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/**
 * Checks a built release folder: at least one manifest, all naming the same version, and every file
 * they name present with the size and sha512 they state. Throws a ReleaseError listing every problem.
 */
export function checkRelease(dir: string): CheckedRelease {
  const manifests = MANIFESTS.filter((m) => existsSync(join(dir, m)));
  if (manifests.length === 0)
    throw new ReleaseError(
      `${dir} holds no ${MANIFESTS.join(', ')}: is it electron-builder's output folder?`,
    );
  const problems: string[] = [];
  const versions = new Set<string>();
  const files = new Set<string>();
  const withoutBlockmap: string[] = [];
  for (const name of manifests) {
    let manifest: Manifest;
    try {
      manifest = parseManifest(name, readFileSync(join(dir, name), 'utf8'));
    } catch (e) {
      problems.push((e as Error).message);
      continue;
    }
    versions.add(manifest.version);
    for (const f of manifest.files) {
      // The update server serves plain names from the release folder only.
      if (basename(f.url) !== f.url || f.url.startsWith('.')) {
        problems.push(`${name} names ${f.url}, which is not a file in this folder`);
        continue;
      }
      const path = join(dir, f.url);
      const size = statSync(path, { throwIfNoEntry: false })?.size;
      if (size === undefined) problems.push(`${name} names ${f.url}, which is missing`);
      else if (size !== f.size) problems.push(`${f.url} is ${size} bytes, ${name} says ${f.size}`);
      else if (sha512(path) !== f.sha512) problems.push(`${f.url} does not match the sha512 in ${name}`);
      files.add(f.url);
      if (existsSync(`${path}.blockmap`)) files.add(`${f.url}.blockmap`);
      else withoutBlockmap.push(f.url);
    }
  }
  if (versions.size > 1) problems.push(`the manifests name different versions: ${[...versions].join(', ')}`);
  if (problems.length > 0) throw new ReleaseError(`release not published:\n- ${problems.join('\n- ')}`);
  return {
    version: [...versions][0] as string,
    manifests: [...manifests],
    files: [...files].sort(),
    withoutBlockmap,
  };
}

export interface Published extends CheckedRelease {
  folder: string;
  /** Earlier releases' blockmaps copied in for differential downloads. */
  earlierBlockmaps: string[];
}

/**
 * Checks `from` and publishes it as `releasesDir/<name>` (the version by default). An existing
 * folder of that name is never overwritten: a ring may be offering it right now.
 */
export function publishRelease(from: string, releasesDir: string, name?: string): Published {
  const release = checkRelease(from);
  const folderName = name ?? release.version;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/.test(folderName) || folderName.includes('..'))
    throw new ReleaseError(`"${folderName}" cannot name a release folder (letters, digits, . _ -)`);
  const folder = join(releasesDir, folderName);
  if (existsSync(folder))
    throw new ReleaseError(
      `${folder} already exists: a published release is never replaced; publish under another name`,
    );
  mkdirSync(releasesDir, { recursive: true });

  const incoming = join(releasesDir, `.incoming-${folderName}-${process.pid}`);
  rmSync(incoming, { recursive: true, force: true });
  mkdirSync(incoming);
  try {
    for (const f of [...release.files, ...release.manifests]) copyFileSync(join(from, f), join(incoming, f));
    const earlierBlockmaps: string[] = [];
    for (const other of readdirSync(releasesDir, { withFileTypes: true })) {
      if (!other.isDirectory() || other.name.startsWith('.')) continue;
      for (const f of readdirSync(join(releasesDir, other.name))) {
        if (!f.endsWith('.blockmap') || existsSync(join(incoming, f))) continue;
        copyFileSync(join(releasesDir, other.name, f), join(incoming, f));
        earlierBlockmaps.push(f);
      }
    }
    renameSync(incoming, folder);
    return { ...release, folder, earlierBlockmaps: earlierBlockmaps.sort() };
  } catch (e) {
    rmSync(incoming, { recursive: true, force: true });
    throw e;
  }
}
