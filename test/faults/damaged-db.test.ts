/**
 * Damaged pages in a workstation's database (issue 9): found on opening (quick_check) and by the
 * scheduled integrity check while running, reported with what it means and what to do, the damaged
 * file never written to; IT moves it aside, the PC downloads a fresh copy, and the unsent work that
 * can still be read goes up, a unit of work never in part.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DamagedDatabaseError } from '../../main/core/store/local-db.ts';
import { moveAsideDamaged } from '../../main/core/store/salvage.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { inspect, KEY, type Station, stationPool } from '../support/stations.ts';

const patient = (mrn: string) => ({
  mrn,
  first_name: 'Fatoumata',
  last_name: 'Bah',
  date_of_birth: '1988-03-04',
  gender: 'female',
});

const file = (s: Station) => join(s.dir, 'workstation.db');
const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Overwrites part of page `page` (1-based) of the database file, as a failing disk would. */
function damagePage(path: string, page: number, pageSize: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(64, 0x5a), 0, 64, (page - 1) * pageSize + 1_000);
  } finally {
    closeSync(fd);
  }
}

/** Page numbers of a table's b-tree, from a second connection (`dbstat`): its root first. */
function pagesOf(s: Station, table: string, type?: 'leaf'): { pages: number[]; pageSize: number } {
  const db = inspect(s.dir);
  try {
    const pageSize = Number(db.sqlite.pragma('page_size', { simple: true }));
    const rows = db.sqlite
      .prepare(`SELECT pageno FROM dbstat WHERE name = ? ${type ? 'AND pagetype = ?' : ''} ORDER BY pageno`)
      .all(...(type ? [table, type] : [table])) as { pageno: number }[];
    return { pages: rows.map((r) => r.pageno), pageSize };
  } finally {
    db.close();
  }
}

describe('a damaged workstation database', () => {
  let server: TestServer;
  const pool = stationPool(() => server);
  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('rec.dmg', 'receptionist');
  });
  afterAll(async () => {
    await pool.closeAll();
    await server?.close();
  });

  it('is found at start, left as it is, and replaced by a fresh download that keeps the unsent work', async () => {
    const s = await pool.station({ name: 'Desk with a bad disk', kind: 'reception', user: 'rec.dmg' });
    for (let i = 0; i < 5; i++) expect(s.ws.writes.insert('patients', patient(`P-DMG-${i}`)).ok).toBe(true);
    await s.ws.drain();
    s.proxy.cut();
    for (let i = 5; i < 35; i++) expect(s.ws.writes.insert('patients', patient(`P-DMG-${i}`)).ok).toBe(true);
    await s.stop();

    // A quiet table no one writes to: before, nothing noticed and writes went on. Now the start's
    // first whole-file check (a minute in; called here) finds it and new work stops.
    const { pages, pageSize } = pagesOf(s, 'refetch_marks');
    damagePage(file(s), pages[0] as number, pageSize);
    const damaged = await s.restart();
    expect(damaged.checkIntegrity('quick')).toBe(false);
    expect(damaged.status().storage).toMatchObject({
      kind: 'damaged',
      message: expect.stringMatching(/--recover/),
    });
    const refused = damaged.writes.insert('patients', patient('P-DMG-REFUSED'));
    expect(refused.ok ? null : refused.error.code).toBe('storage');
    await s.stop();
    const before = digest(file(s));
    const report = moveAsideDamaged({ dataDir: s.dir, key: KEY });
    expect(report).toMatchObject({ damaged: [], requeued: 30, heldBack: [] });
    expect(existsSync(join(report.movedTo, 'workstation.db'))).toBe(true);
    expect(digest(join(report.movedTo, 'workstation.db'))).toBe(before);

    // Still cut off: the user signs in offline (their sign-in was kept) and sees the unsent work.
    const ws = await s.restart();
    expect(ws.status()).toMatchObject({ outboxPending: 30, user: { offline: true } });
    const visible = s.sqlite
      .prepare(`SELECT count(*) AS n FROM patients WHERE mrn LIKE 'P-DMG-%' AND deleted_at IS NULL`)
      .get() as { n: number };
    expect(visible.n).toBe(30);
    s.proxy.pass();
    await ws.drain(30_000);
    const onServer = await server.database.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM patients WHERE mrn LIKE 'P-DMG-%'`,
    );
    expect(Number(onServer[0]?.n)).toBe(35);
    const here = s.sqlite.prepare(`SELECT count(*) AS n FROM patients WHERE mrn LIKE 'P-DMG-%'`).get() as {
      n: number;
    };
    expect(here.n).toBe(35);
  }, 90_000);

  it('a damaged outbox page: what can be read goes up, units beside the gap are held back whole', async () => {
    const s = await pool.station({ name: 'Desk with a bad outbox', kind: 'reception', user: 'rec.dmg' });
    await s.ws.drain();
    s.proxy.cut();
    // Units of two writes each, so a unit can lose one entry and keep the other.
    for (let i = 0; i < 40; i++) {
      const unit = s.ws.writes.unit((w) => {
        w.insert('patients', patient(`P-OBX-${i}-a`));
        w.insert('patients', patient(`P-OBX-${i}-b`));
      });
      expect(unit.ok).toBe(true);
    }
    await s.stop();
    const { pages, pageSize } = pagesOf(s, 'outbox', 'leaf');
    expect(pages.length).toBeGreaterThan(3);
    damagePage(file(s), pages[Math.floor(pages.length / 2)] as number, pageSize);
    await expect(s.restart()).rejects.toBeInstanceOf(DamagedDatabaseError);

    const report = moveAsideDamaged({ dataDir: s.dir, key: KEY });
    expect(report.damaged).toEqual(['outbox']);
    expect(report.heldBack.length).toBeGreaterThan(0);
    expect(report.requeued).toBeLessThan(80);
    const reportText = readFileSync(join(report.movedTo, 'salvage-report.json'), 'utf8');
    expect(reportText).not.toMatch(/Fatoumata|Bah/);

    s.proxy.pass();
    const ws = await s.restart();
    await ws.drain(30_000);
    // Each unit arrived whole or not at all: never one patient of a pair.
    const rows = await server.database.query<{ mrn: string }>(
      `SELECT mrn FROM patients WHERE mrn LIKE 'P-OBX-%'`,
    );
    const byUnit = new Map<string, number>();
    for (const r of rows) {
      const unit = r.mrn.replace(/-[ab]$/, '');
      byUnit.set(unit, (byUnit.get(unit) ?? 0) + 1);
    }
    expect([...byUnit.values()].every((n) => n === 2)).toBe(true);
    expect(rows.length).toBe(report.requeued);
    expect(ws.status().outboxPending).toBe(0);
  }, 90_000);

  it('damage appearing while the PC runs is found by the scheduled check: writes stop, reads go on', async () => {
    const s = await pool.station({ name: 'Desk damaged at work', kind: 'reception', user: 'rec.dmg' });
    const kept = s.ws.writes.insert('patients', patient('P-RUN-1'));
    expect(kept.ok).toBe(true);
    await s.ws.drain();
    expect(s.ws.checkIntegrity()).toBe(true);
    // The damage is in the main file: move every page there first (a new database lives in its WAL).
    s.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const { pages, pageSize } = pagesOf(s, 'refetch_marks');
    damagePage(file(s), pages[0] as number, pageSize);
    expect(s.ws.checkIntegrity()).toBe(false);
    expect(s.ws.status().storage?.kind).toBe('damaged');
    const refused = s.ws.writes.insert('patients', patient('P-RUN-2'));
    expect(refused.ok ? null : refused.error.code).toBe('storage');
    expect(s.ws.get('patients', kept.ok ? String(kept.value.id) : '')).toMatchObject({ mrn: 'P-RUN-1' });
  });
});
