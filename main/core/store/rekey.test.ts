import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { count, makeWrites, newId, openTestDb, patient, type TestDb } from '../test-support.ts';
import { openLocalDatabase } from './local-db.ts';
import { rekeyLocalDatabase } from './rekey.ts';

describe('key rotation', () => {
  let t: TestDb;
  beforeEach(() => {
    t = openTestDb();
  });
  afterEach(() => t.cleanup());

  it('keeps the outbox and every row; the old key fails, the new key opens in WAL with synchronous=FULL', () => {
    const { writes } = makeWrites(t, { id: newId(), role: 'receptionist' });
    for (let i = 0; i < 20; i++) expect(writes.insert('patients', patient()).ok).toBe(true);
    const pending = count(t, `SELECT count(*) AS n FROM outbox WHERE status = 'pending'`);
    const patients = count(t, 'SELECT count(*) AS n FROM patients');
    expect(pending).toBe(20);
    t.local.close();
    const path = join(t.dir, 'ws.db');

    expect(() => rekeyLocalDatabase({ path, oldKey: 'not-the-key', newKey: 'k2' })).toThrow(
      expect.objectContaining({ code: 'SQLITE_NOTADB' }),
    );
    rekeyLocalDatabase({ path, oldKey: 'test-key', newKey: 'rotated-key' });

    expect(() => openLocalDatabase({ path, key: 'test-key' })).toThrow(
      expect.objectContaining({ code: 'SQLITE_NOTADB' }),
    );
    const again = openLocalDatabase({ path, key: 'rotated-key' });
    try {
      const p = (name: string) => again.sqlite.pragma(name, { simple: true });
      expect(p('journal_mode')).toBe('wal');
      expect(p('synchronous')).toBe(2);
      expect(p('integrity_check')).toBe('ok');
      const n = (sql: string) => (again.sqlite.prepare(sql).get() as { n: number }).n;
      expect(n(`SELECT count(*) AS n FROM outbox WHERE status = 'pending'`)).toBe(pending);
      expect(n('SELECT count(*) AS n FROM patients')).toBe(patients);
    } finally {
      again.close();
    }
  });
});
