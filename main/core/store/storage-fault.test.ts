import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { STORAGE_MESSAGES, storageFaultOf } from './storage-fault.ts';

describe('storageFaultOf', () => {
  it('names a full disk from a real SQLITE_FULL', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (a TEXT)');
    db.pragma('max_page_count = 2');
    let caught: unknown;
    try {
      for (let i = 0; i < 100; i++) db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(1000));
    } catch (e) {
      caught = e;
    }
    expect(storageFaultOf(caught)).toEqual({ kind: 'full', message: STORAGE_MESSAGES.full });
  });

  it('reads extended codes by their family, and a full disk behind an I/O error', () => {
    const e = (code: string, message = 'x') => Object.assign(new Error(message), { code });
    expect(storageFaultOf(e('SQLITE_CORRUPT_INDEX'))?.kind).toBe('damaged');
    expect(storageFaultOf(e('SQLITE_NOTADB'))?.kind).toBe('damaged');
    expect(storageFaultOf(e('SQLITE_READONLY_DBMOVED'))?.kind).toBe('readonly');
    expect(storageFaultOf(e('SQLITE_IOERR_WRITE'))?.kind).toBe('io');
    expect(storageFaultOf(e('SQLITE_IOERR_WRITE', 'disk I/O error: No space left on device'))?.kind).toBe(
      'full',
    );
  });

  it('is null for errors that are not the disk: constraints, bugs, network', () => {
    expect(storageFaultOf(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBeNull();
    expect(storageFaultOf(new TypeError('undefined is not a function'))).toBeNull();
    expect(storageFaultOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeNull();
    expect(storageFaultOf(null)).toBeNull();
  });
});
