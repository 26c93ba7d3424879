/**
 * The release folders of the server's releases directory, as an admin picks from them: each
 * folder's name, the version and date its `latest.yml` states, and whether a ring may offer it (a
 * ring needs `latest.yml`: it is the first file a PC asks for). Newest version first, so "the
 * release before" is the next one down the list; folders that cannot be offered come last.
 */
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import semver from 'semver';

export interface ReleaseFolder {
  name: string;
  /** The `version:` of its latest.yml; null without one. */
  version: string | null;
  /** The `releaseDate:` electron-builder wrote (ISO 8601); null when absent. */
  released_at: string | null;
  /** Holds latest.yml, so a ring may be pointed at it. */
  offerable: boolean;
}

/** The version and release date a manifest states; null for what is missing, malformed or not a date. */
export function readManifest(text: string): { version: string | null; released_at: string | null } {
  let raw: unknown;
  try {
    raw = load(text);
  } catch {
    return { version: null, released_at: null };
  }
  const fields = (raw && typeof raw === 'object' ? raw : {}) as { version?: unknown; releaseDate?: unknown };
  const version = typeof fields.version === 'string' ? fields.version : null;
  // YAML reads an unquoted ISO date as a Date; electron-builder quotes it, but be lenient.
  const date =
    fields.releaseDate instanceof Date
      ? fields.releaseDate
      : typeof fields.releaseDate === 'string'
        ? new Date(fields.releaseDate)
        : null;
  return {
    version,
    released_at: date && !Number.isNaN(date.getTime()) ? date.toISOString() : null,
  };
}

/**
 * Orders versions as semver does (`1.10.0` after `1.9.2`; `1.1.0-beta.2` before `1.1.0`), reading
 * loosely what electron-builder or a person may write (`v1.0`, build metadata).
 */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) =>
    semver.parse(v, { loose: true }) ?? semver.coerce(v, { includePrerelease: true });
  const [va, vb] = [parse(a), parse(b)];
  if (!va || !vb) return a < b ? -1 : a > b ? 1 : 0;
  return semver.compare(va, vb);
}

/** Offerable folders newest first (by version, then name); the others after, by name. */
export function sortReleases(folders: readonly ReleaseFolder[]): ReleaseFolder[] {
  return [...folders].sort((x, y) => {
    if (x.offerable !== y.offerable) return x.offerable ? -1 : 1;
    if (x.version && y.version) {
      const c = compareVersions(y.version, x.version);
      if (c !== 0) return c;
    } else if (x.version !== y.version) return x.version ? -1 : 1;
    return x.name < y.name ? -1 : x.name > y.name ? 1 : 0;
  });
}

/**
 * Every folder of `dir` whose name a ring could hold (`isPlain`), described. A missing directory
 * is no release yet, not an error: a new server has copied none.
 */
export function listReleases(dir: string, isPlain: (name: string) => boolean): ReleaseFolder[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const folders = entries
    .filter((e) => e.isDirectory() && isPlain(e.name))
    .map((e): ReleaseFolder => {
      let text: string | null = null;
      try {
        text = readFileSync(join(dir, e.name, 'latest.yml'), 'utf8');
      } catch {
        // No manifest (still being copied, or not a release): listed, but not offerable.
      }
      const manifest = text === null ? { version: null, released_at: null } : readManifest(text);
      return { name: e.name, ...manifest, offerable: text !== null };
    });
  return sortReleases(folders);
}
