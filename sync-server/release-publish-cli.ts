/**
 * `npm run release:publish -- <built release folder> [--name <folder>]`: checks a desktop release
 * electron-builder built and copies it into the server's releases directory (HMS_RELEASES_DIR, or
 * `releases/` under HMS_DATA_DIR), where an admin can point a ring at it. Exits 1 when the release
 * is refused (every reason printed), 2 when it cannot run.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { publishRelease, ReleaseError } from './updates/publish.ts';

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' } },
  });
  const [from] = positionals;
  if (!from || positionals.length > 1) {
    console.error('usage: npm run release:publish -- <built release folder> [--name <folder>]');
    return 2;
  }
  const { releasesDir } = loadConfig();
  try {
    const r = publishRelease(from, releasesDir, values.name);
    console.log(
      `published ${r.version} as ${r.folder}: ${r.manifests.join(', ')} and ${r.files.length} files`,
    );
    if (r.earlierBlockmaps.length > 0)
      console.log(
        `earlier releases' blockmaps copied in for differential downloads: ${r.earlierBlockmaps.join(', ')}`,
      );
    for (const f of r.withoutBlockmap) console.log(`note: ${f} has no blockmap; PCs will download it whole`);
    console.log(
      `offer it to a ring: PUT /api/update-rings/pilot {"release": "${r.folder.split(/[\\/]/).pop()}"}`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ReleaseError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}

try {
  process.exit(main());
} catch (e) {
  console.error(
    e instanceof ConfigError
      ? e.message
      : `release:publish could not run: ${e instanceof Error ? e.message : e}`,
  );
  process.exit(2);
}
