/**
 * The embedded database's files hold every patient's record: after a start they are private to the
 * server's user (PGlite alone leaves hundreds of them world-writable).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../sync-server/platform/database.ts';

describe('the embedded database on disk', () => {
  const parent = mkdtempSync(join(tmpdir(), 'hms-embedded-'));
  const dir = join(parent, 'server');
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('keeps its directory closed and its files private to the server user', async () => {
    for (let start = 0; start < 2; start++) {
      const db = await openDatabase({ dataDir: dir });
      await db.query(`INSERT INTO system_settings (key, value) VALUES ($1, 'x')`, [`files.${start}`]);
      await db.close();
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const open = readdirSync(dir, { withFileTypes: true, recursive: true })
      .map((e) => join(e.parentPath, e.name))
      .filter((p) => (statSync(p).mode & 0o077) !== 0);
    // Files written since the last start may carry PGlite's own mode, but inside a 0700 directory
    // nobody else reaches them; everything that was there at the start was made private.
    const total = readdirSync(dir, { recursive: true }).length;
    expect(total).toBeGreaterThan(100);
    expect(open.length).toBeLessThan(total / 10);
  });
});
