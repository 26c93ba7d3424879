/**
 * Human numbers made offline never collide (DESIGN §4a): two PCs cut off from the server each make
 * 1,000 MRNs, bills, receipts, purchase orders, goods-received notes and queue tickets; after they
 * reconnect every number reaches the server once, none is quarantined. A PC re-installed under the
 * same code continues its numbers where the server saw them end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkstation } from '../../main/core/workstation.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { KEY, type Station, startStation } from '../support/stations.ts';

const PER_PC = 1_000;

describe('numbers made on two cut-off workstations', () => {
  let server: TestServer;
  const stations: Station[] = [];
  let supplier: string;
  const doctors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    doctors.push(await server.createUser('doc_a', 'doctor'), await server.createUser('doc_b', 'doctor'));
    const [s] = await server.database.query<{ id: string }>(
      `INSERT INTO suppliers (name) VALUES ('Gambia Medical Supplies') RETURNING id`,
    );
    supplier = s?.id as string;
  });

  afterAll(async () => {
    for (const s of stations) await s.close();
    await server?.close();
  });

  async function makeNumbers(s: Station, doctor: string, tag: string) {
    const me = s.ws.session.currentUser()?.id as string;
    for (let i = 0; i < PER_PC; i++) {
      const registered = await s.ws.api.patients.register({
        first_name: `Awa${tag}`,
        last_name: `Number${i}`,
        date_of_birth: '1990-01-01',
        gender: 'female',
      });
      if (!registered.ok || registered.value.status !== 'registered')
        throw new Error(`registration ${i} on ${tag}: ${JSON.stringify(registered)}`);
      const patientId = registered.value.patient.id;
      const day = `2099-01-${String(1 + Math.floor(i / 96)).padStart(2, '0')}`;
      const minutes = (i % 96) * 15;
      const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      const unit = s.ws.writes.unit((w) => {
        const bill = w.insert('bills', {
          bill_number: s.ws.sequences.next('bill'),
          patient_id: patientId,
          issued_at: w.now,
        });
        w.insert('bill_items', {
          bill_id: bill.id,
          description: 'Consultation',
          quantity: 1,
          unit_price: 15000,
        });
        w.insert('payments', {
          bill_id: bill.id,
          amount: 15000,
          method: 'cash',
          paid_at: w.now,
          received_by: me,
          receipt_number: s.ws.sequences.next('receipt'),
        });
        w.insert('purchase_orders', {
          order_number: s.ws.sequences.next('purchase_order'),
          supplier_id: supplier,
        });
        w.insert('goods_received_notes', {
          grn_number: s.ws.sequences.next('grn'),
          supplier_id: supplier,
          received_on: day,
        });
        w.insert('appointments', {
          patient_id: patientId,
          doctor_id: doctor,
          date: day,
          time,
          status: 'checked_in',
          queue_number: s.ws.sequences.nextQueueTicket(day),
        });
      });
      if (!unit.ok) throw new Error(`unit ${i} on ${tag}: ${JSON.stringify(unit.error)}`);
    }
  }

  it('makes 1,000 of each on each PC offline; after sync every number is on the server once', async () => {
    const a = await startStation(server, { name: 'Desk A', kind: 'admin', user: 'admin' });
    const b = await startStation(server, { name: 'Desk B', kind: 'admin', user: 'admin' });
    stations.push(a, b);
    await a.ws.drain();
    await b.ws.drain();
    a.proxy.cut();
    b.proxy.cut();
    let t = Date.now();
    await Promise.all([makeNumbers(a, doctors[0] as string, 'A'), makeNumbers(b, doctors[1] as string, 'B')]);
    const made = Date.now() - t;
    t = Date.now();
    a.proxy.pass();
    b.proxy.pass();
    await a.ws.drain(120_000);
    await b.ws.drain(120_000);
    console.log(
      `numbers: ${PER_PC} operations per PC made offline in ${made} ms, synced in ${Date.now() - t} ms`,
    );

    expect(await server.database.query(`SELECT reason FROM quarantined_mutations`)).toEqual([]);
    const codes = [a.ws.status().code, b.ws.status().code];
    expect(new Set(codes).size).toBe(2);
    for (const [table, column] of [
      ['patients', 'mrn'],
      ['bills', 'bill_number'],
      ['payments', 'receipt_number'],
      ['purchase_orders', 'order_number'],
      ['goods_received_notes', 'grn_number'],
      ['appointments', 'queue_number'],
    ] as const) {
      // A queue ticket is unique within its day.
      const key = table === 'appointments' ? `(date, ${column})` : column;
      const [row] = await server.database.query<{ n: number; distinct_n: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT ${key})::int AS distinct_n FROM ${table} WHERE ${column} IS NOT NULL`,
      );
      expect(row, `${table}.${column}`).toEqual({ n: 2 * PER_PC, distinct_n: 2 * PER_PC });
    }
    const mrns = await server.database.query<{ mrn: string }>(`SELECT mrn FROM patients ORDER BY mrn`);
    expect(mrns[0]?.mrn).toMatch(/^P-[A-Z0-9]+-000001$/);
    expect(mrns.filter((m) => m.mrn.endsWith(`-00${PER_PC}`))).toHaveLength(2);
  }, 300_000);

  it('continues a re-installed PC after the numbers the server already has from its code', async () => {
    const a = stations[0] as Station;
    const code = a.ws.status().code as string;
    const fresh = await server.admin<{ enrollment_code: string }>(
      'POST',
      `/api/workstations/${a.id}/enrollment-code`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'hms-reinstall-'));
    const ws = await startWorkstation({
      server: server.url,
      dataDir: dir,
      key: KEY,
      enrollmentCode: fresh.enrollment_code,
    });
    try {
      expect(ws.status().code).toBe(code);
      const login = await ws.session.login('admin', 'admin-password-for-tests');
      expect(login.ok).toBe(true);
      const r = await ws.api.patients.register({
        first_name: 'After',
        last_name: 'Reinstall',
        date_of_birth: '1991-01-01',
        gender: 'male',
      });
      expect(r.ok && r.value.status === 'registered' && r.value.patient.mrn).toBe(
        `P-${code}-${String(PER_PC + 1).padStart(6, '0')}`,
      );
    } finally {
      await ws.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
