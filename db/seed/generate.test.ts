import { describe, expect, it } from 'vitest';
import { allTables } from '../schema/index.ts';
import {
  demoLogins,
  generateHospital,
  SEED_TABLE_ORDER,
  SEED_TABLES,
  type SeedBatch,
  staffPlan,
} from './generate.ts';
import { fmix32, IdMaker, Rng } from './random.ts';

const collect = (opts: Parameters<typeof generateHospital>[0]): SeedBatch[] => [...generateHospital(opts)];

const rowsOf = (batches: SeedBatch[], table: string): Record<string, unknown>[] =>
  batches.filter((b) => b.table === table).flatMap((b) => b.rows as unknown as Record<string, unknown>[]);

describe('random', () => {
  it('the PRNG is deterministic per seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 100 }, () => a.u32());
    expect(Array.from({ length: 100 }, () => b.u32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.u32())).not.toEqual(xs);
  });

  it('fmix32 is a bijection on a sample (no collisions)', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200_000; i++) seen.add(fmix32(i));
    expect(seen.size).toBe(200_000);
  });

  it('ids are UUIDv7-shaped, carry the given time and never repeat', () => {
    const ids = new IdMaker(new Rng(7), 7);
    const ms = Date.parse('2026-11-01T08:00:00.000Z');
    const made = Array.from({ length: 100_000 }, () => ids.make(ms));
    for (const id of made.slice(0, 100)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(ms);
    }
    expect(new Set(made).size).toBe(made.length);
  });
});

describe('generateHospital', () => {
  it('same seed, same hospital (ids included); another seed, another hospital', () => {
    const a = collect({ patients: 150, seed: 9 });
    const b = collect({ patients: 150, seed: 9 });
    expect(b).toEqual(a);
    const c = collect({ patients: 150, seed: 10 });
    expect(rowsOf(c, 'patients')).not.toEqual(rowsOf(a, 'patients'));
    expect(rowsOf(c, 'patients')[0]?.id).not.toBe(rowsOf(a, 'patients')[0]?.id);
  });

  it('does not depend on the clock: a later run gives the same rows', async () => {
    const a = collect({ patients: 20, seed: 3 });
    await new Promise((r) => setTimeout(r, 5));
    expect(collect({ patients: 20, seed: 3 })).toEqual(a);
  });

  const batches = collect({ patients: 400, seed: 5, chunkPatients: 100, batchRows: 250 });

  it('yields bounded batches of known tables whose columns exist', () => {
    for (const b of batches) {
      expect(b.rows.length).toBeGreaterThan(0);
      expect(b.rows.length).toBeLessThanOrEqual(250);
      const columns = Object.keys(SEED_TABLES[b.table].columns);
      for (const key of Object.keys(b.rows[0]!)) expect(columns).toContain(key);
    }
    expect(SEED_TABLE_ORDER.every((t) => allTables.some((m) => m.name === t))).toBe(true);
  });

  it('every table of the brief has rows', () => {
    for (const table of [
      'roles',
      'users',
      'doctor_profiles',
      'wards',
      'beds',
      'patients',
      'admissions',
      'allergies',
      'medical_conditions',
      'surgical_histories',
      'family_histories',
      'vaccinations',
      'appointments',
      'encounters',
      'vitals',
      'clinical_notes',
      'prescriptions',
      'lab_orders',
      'lab_results',
      'medication_categories',
      'suppliers',
      'medication_items',
      'stock_batches',
      'stock_movements',
      'dispensing_logs',
      'service_catalog_items',
      'bills',
      'bill_items',
      'payments',
      'insurance_details',
      'notifications',
      'tasks',
      'system_settings',
    ]) {
      expect(rowsOf(batches, table).length, table).toBeGreaterThan(0);
    }
  });

  it('ids are unique across all tables; MRNs and bill numbers are unique', () => {
    const ids = batches.flatMap((b) => (b.rows as unknown as { id: string }[]).map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    const mrns = rowsOf(batches, 'patients').map((p) => p.mrn as string);
    expect(new Set(mrns).size).toBe(400);
    expect(mrns[0]).toBe('P-DEMO-000001');
    const bills = rowsOf(batches, 'bills').map((p) => p.bill_number);
    expect(new Set(bills).size).toBe(bills.length);
  });

  it('a row only references rows yielded before it (or in the same batch)', () => {
    const seen = new Set<string>();
    for (const b of batches) {
      const refs = Object.entries(
        SEED_TABLES[b.table].columns as Record<string, { references?: string }>,
      ).filter(([, m]) => m.references);
      const rows = b.rows as unknown as Record<string, unknown>[];
      for (const r of rows) seen.add(r.id as string);
      for (const r of rows) {
        for (const [col] of refs) {
          const v = r[col];
          if (v !== null && v !== undefined) expect(seen.has(v as string), `${b.table}.${col}`).toBe(true);
        }
      }
    }
  });

  it('the stock ledger never leaves a batch negative; money is integer', () => {
    const onHand = new Map<string, number>();
    for (const m of rowsOf(batches, 'stock_movements')) {
      expect(m.quantity).not.toBe(0);
      onHand.set(
        m.stock_batch_id as string,
        (onHand.get(m.stock_batch_id as string) ?? 0) + (m.quantity as number),
      );
    }
    for (const q of onHand.values()) expect(q).toBeGreaterThanOrEqual(0);
    for (const p of rowsOf(batches, 'payments')) {
      expect(Number.isInteger(p.amount)).toBe(true);
      expect(p.amount as number).toBeGreaterThan(0);
    }
    for (const i of rowsOf(batches, 'bill_items')) expect(Number.isInteger(i.unit_price)).toBe(true);
  });

  it('occupied beds point at admitted patients in the same ward', () => {
    const patients = new Map(rowsOf(batches, 'patients').map((p) => [p.id, p]));
    const occupied = rowsOf(batches, 'beds').filter((b) => b.patient_id);
    expect(occupied.length).toBeGreaterThan(0);
    const admissions = rowsOf(batches, 'admissions').filter((a) => a.status === 'admitted');
    expect(admissions.length).toBe(occupied.length);
    for (const bed of occupied) {
      expect(bed.status).toBe('occupied');
      expect(patients.get(bed.patient_id)?.ward_id).toBe(bed.ward_id);
      expect(admissions.some((a) => a.bed_id === bed.id && a.patient_id === bed.patient_id)).toBe(true);
    }
  });

  it('nothing was created after the reference date', () => {
    const now = '2026-11-02T11:00:00.000Z';
    for (const b of batches) {
      for (const r of b.rows as unknown as Record<string, unknown>[]) {
        expect(String(r.created_at) <= now, `${b.table}.created_at`).toBe(true);
        for (const k of [
          'recorded_at',
          'resulted_at',
          'dispensed_at',
          'paid_at',
          'issued_at',
          'collected_at',
        ]) {
          if (typeof r[k] === 'string') expect(String(r[k]) <= now, `${b.table}.${k}`).toBe(true);
        }
      }
    }
  });

  it("has today's clinic under way and upcoming bookings", () => {
    const appts = rowsOf(batches, 'appointments');
    const today = appts.filter((a) => a.date === '2026-11-02');
    expect(today.some((a) => ['checked_in', 'in_progress', 'completed'].includes(String(a.status)))).toBe(
      true,
    );
    expect(appts.some((a) => a.status === 'scheduled' && String(a.date) > '2026-11-02')).toBe(true);
    expect(appts.some((a) => a.status === 'completed' && String(a.date) < '2026-11-02')).toBe(true);
  });

  it('looks like The Gambia: +220 phones, Gambian names and towns', () => {
    const patients = rowsOf(batches, 'patients');
    const gm = patients.filter((p) => typeof p.phone === 'string' && (p.phone as string).startsWith('+220 '));
    expect(gm.length / patients.length).toBeGreaterThan(0.5);
    for (const p of gm) expect(p.phone).toMatch(/^\+220 \d{7}$/);
    const surnames = new Set(patients.map((p) => p.last_name));
    expect(
      ['Jallow', 'Ceesay', 'Touray', 'Njie', 'Bah', 'Camara', 'Jammeh'].some((n) => surnames.has(n)),
    ).toBe(true);
    expect(patients.some((p) => /Banjul|Serekunda|Brikama|Bakau/.test(String(p.address)))).toBe(true);
  });

  it('reuses given role ids and never creates the server admin', () => {
    const roleIds = {
      admin: '01900000-0000-7000-8000-000000000001',
      doctor: '01900000-0000-7000-8000-000000000002',
    };
    const b = collect({ patients: 10, roleIds });
    const roles = rowsOf(b, 'roles').map((r) => r.name);
    expect(roles).not.toContain('admin');
    expect(roles).toContain('nurse');
    const users = rowsOf(b, 'users');
    expect(users.map((u) => u.username)).not.toContain('admin');
    expect(users.find((u) => u.username === 'doctor1')?.role_id).toBe(roleIds.doctor);
    expect(demoLogins(10).find((l) => l.role === 'admin')?.usernames).toEqual(['admin2']);
    expect(staffPlan(200_000).doctor).toBeGreaterThan(staffPlan(500).doctor);
  });
});
