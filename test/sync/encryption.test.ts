/**
 * Encryption at rest of a workstation's local database (issue 3 test 11; reliability 11, 12, 13):
 * a known patient name synced both ways (written on the PC, and arriving from the server) is absent
 * from `workstation.db`, its `-wal` and an online backup; no file starts with the plain SQLite header;
 * a wrong key gives SQLITE_NOTADB; the right key opens it with WAL, synchronous=FULL, foreign keys.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalDatabase } from '../../main/core/store/local-db.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, KEY, localRows, type Station, startStation } from '../support/stations.ts';

const LAST_NAME = 'Zzyzxwoman';
const SERVER_LAST_NAME = 'Qqwxvbson';
const PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** Every encoding a name could plausibly be stored in. */
const needles = (s: string) => {
  const le = Buffer.from(s, 'utf16le');
  return [Buffer.from(s, 'utf8'), le, Buffer.from(le).swap16()];
};

function plaintextIn(file: string): string[] {
  const bytes = readFileSync(file);
  const found: string[] = [];
  for (const name of [LAST_NAME, SERVER_LAST_NAME, 'Kumba'])
    for (const n of needles(name)) if (bytes.includes(n)) found.push(name);
  return found;
}

const header = (file: string) => readFileSync(file).subarray(0, 16);

describe('the local database is encrypted at rest', () => {
  let server: TestServer;
  let station: Station;
  let dbFile: string;
  let patientId: string;
  let serverPatientId: string;
  const backups: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('rec1', 'receptionist');
    station = await startStation(server, { name: 'Front desk enc', kind: 'reception', user: 'rec1' });
    dbFile = join(station.dir, 'workstation.db');
  });

  afterAll(async () => {
    for (const b of backups) rmSync(b, { force: true });
    await station?.close();
    await server?.close();
  });

  it('syncs a known patient name both ways, and the running database and its WAL do not contain it', async () => {
    const written = station.ws.writes.insert('patients', {
      mrn: 'P-ENC-1',
      first_name: 'Kumba',
      last_name: LAST_NAME,
      date_of_birth: '1984-03-09',
      gender: 'female',
      address: `${LAST_NAME} compound, Serekunda`,
    });
    if (!written.ok) throw new Error(JSON.stringify(written.error));
    patientId = written.value.id as string;
    const [fromServer] = await server.database.query<{ id: string }>(
      `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender)
       VALUES ('P-ENC-2', 'Kumba', $1, '1990-01-01', 'female') RETURNING id`,
      [SERVER_LAST_NAME],
    );
    serverPatientId = fromServer?.id as string;
    await station.ws.drain();
    await eventually(
      () => station.ws.get('patients', serverPatientId)?.last_name === SERVER_LAST_NAME,
      'server patient on the PC',
    );
    const onServer = await server.database.query(`SELECT 1 FROM patients WHERE id = $1`, [patientId]);
    expect(onServer).toHaveLength(1);
    // The outbox entry (acknowledged) holds the name too.
    expect(localRows(station, `SELECT payload FROM outbox WHERE row_id = ?`, patientId)[0]?.payload).toMatch(
      LAST_NAME,
    );

    // The probe itself finds the name in an unencrypted database (the check is not vacuous).
    const control = join(station.dir, 'plain-control.db');
    backups.push(control);
    const plainDb = new Database(control);
    plainDb.exec(`CREATE TABLE t (name TEXT); INSERT INTO t VALUES ('Kumba ${LAST_NAME}')`);
    plainDb.close();
    expect(plaintextIn(control)).toContain(LAST_NAME);
    expect(header(control).equals(PLAIN_HEADER)).toBe(true);

    // While running, recent commits sit in the WAL: both files are ciphertext.
    expect(existsSync(`${dbFile}-wal`)).toBe(true);
    expect(readFileSync(`${dbFile}-wal`).length).toBeGreaterThan(0);
    for (const f of [dbFile, `${dbFile}-wal`]) {
      expect(plaintextIn(f), f).toEqual([]);
      expect(header(f).equals(PLAIN_HEADER), f).toBe(false);
    }
  });

  it('an online backup is encrypted too, and the unkeyed backup API refuses rather than writing plaintext', async () => {
    const sqlite = station.sqlite;
    // better-sqlite3's backup() opens the target without a key: SQLite3 Multiple Ciphers refuses
    // ("incompatible source and target"), so a plaintext copy cannot be made by accident.
    const unkeyed = join(station.dir, 'unkeyed-backup.db');
    backups.push(unkeyed);
    await expect(sqlite.backup(unkeyed)).rejects.toThrow(/incompatible|not supported/);
    if (existsSync(unkeyed)) expect(readFileSync(unkeyed).length).toBe(0);

    // VACUUM INTO takes a consistent online copy encrypted with the same cipher and key.
    const copy = join(station.dir, 'backup.db');
    backups.push(copy);
    sqlite.prepare('VACUUM INTO ?').run(copy);
    expect(readFileSync(copy).length).toBeGreaterThan(4096);
    expect(plaintextIn(copy)).toEqual([]);
    expect(header(copy).equals(PLAIN_HEADER)).toBe(false);
    const restored = openLocalDatabase({ path: copy, key: KEY });
    try {
      expect(restored.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      const names = restored.sqlite
        .prepare(`SELECT last_name FROM patients WHERE id IN (?, ?) ORDER BY last_name`)
        .pluck()
        .all(patientId, serverPatientId);
      expect(names).toEqual([SERVER_LAST_NAME, LAST_NAME].sort());
    } finally {
      restored.close();
    }
    expect(() => openLocalDatabase({ path: copy, key: 'not-the-key' })).toThrow(
      expect.objectContaining({ code: 'SQLITE_NOTADB' }),
    );
  });

  it('after stopping: no plaintext, no plain header; a wrong or missing key gives SQLITE_NOTADB', async () => {
    await station.stop();
    const files = [dbFile, `${dbFile}-wal`].filter((f) => existsSync(f));
    expect(files).toContain(dbFile);
    for (const f of files) {
      if (readFileSync(f).length === 0) continue;
      expect(plaintextIn(f), f).toEqual([]);
      expect(header(f).equals(PLAIN_HEADER), f).toBe(false);
    }

    expect(() => openLocalDatabase({ path: dbFile, key: 'wrong-key' })).toThrow(
      expect.objectContaining({ code: 'SQLITE_NOTADB' }),
    );
    // No key at all: the file is not a database to plain SQLite either.
    const plain = new Database(dbFile, { readonly: true });
    try {
      expect(() => plain.prepare('SELECT count(*) FROM sqlite_master').get()).toThrow(
        expect.objectContaining({ code: 'SQLITE_NOTADB' }),
      );
    } finally {
      plain.close();
    }
  });

  it('the right key opens it, with journal_mode=wal, synchronous=FULL and foreign_keys on', async () => {
    const local = openLocalDatabase({ path: dbFile, key: KEY });
    try {
      const p = (name: string) => local.sqlite.pragma(name, { simple: true });
      expect(p('journal_mode')).toBe('wal');
      expect(p('synchronous')).toBe(2);
      expect(p('foreign_keys')).toBe(1);
      expect(p('integrity_check')).toBe('ok');
      expect(p('cipher')).toBe('chacha20');
      const row = local.sqlite
        .prepare(`SELECT first_name, last_name FROM patients WHERE id = ?`)
        .get(patientId);
      expect(row).toEqual({ first_name: 'Kumba', last_name: LAST_NAME });
    } finally {
      local.close();
    }
    // And the workstation itself restarts on it, with its data.
    const ws = await station.restart();
    expect(ws.get('patients', patientId)?.last_name).toBe(LAST_NAME);
  });
});
