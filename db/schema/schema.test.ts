import { getTableConfig as pgConfig } from 'drizzle-orm/pg-core';
import { getTableConfig as liteConfig } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { allTables, tablesIn } from './index.ts';
import * as pgModule from './pg.ts';
import * as liteModule from './sqlite.ts';

const names = (ts: readonly { name: string }[]) => ts.map((t) => t.name).sort();

describe('the data model', () => {
  it('names every table in plural snake_case, once', () => {
    const all = allTables.map((t) => t.name);
    expect(new Set(all).size).toBe(all.length);
    for (const n of all) expect(n).toMatch(/^[a-z][a-z0-9_]*(s|_log)$|^outbox$/);
  });

  it('has a table for every entity of the seeds', () => {
    const expected = [
      'roles',
      'users',
      'patients',
      'appointments',
      'encounters',
      'vitals',
      'prescriptions',
      'lab_orders',
      'lab_results',
      'medical_conditions',
      'surgical_histories',
      'family_histories',
      'vaccinations',
      'patient_documents',
      'notifications',
      'note_templates',
      'tasks',
      'audit_log',
      'wards',
      'beds',
      'suppliers',
      'medication_categories',
      'medication_items',
      'stock_batches',
      'stock_movements',
      'purchase_orders',
      'purchase_order_items',
      'goods_received_notes',
      'grn_items',
      'dispensing_logs',
      'stock_adjustments',
      'service_catalog_items',
      'insurance_details',
      'bills',
      'bill_items',
      'payments',
      'appointment_notifications',
      'secure_messages',
      'referrals',
      'resources',
      'resource_bookings',
      'telemedicine_sessions',
      'role_change_requests',
      'login_activities',
      'system_settings',
      'doctor_profiles',
      'patient_doctor_assignments',
      'workstations',
      'sync_conflicts',
      'quarantined_mutations',
    ];
    expect(names(allTables)).toEqual(expect.arrayContaining(expected));
  });

  it('exports every Postgres table from pg.ts and every SQLite table from sqlite.ts', () => {
    expect(Object.keys(pgModule).sort()).toEqual(names(tablesIn('synced', 'server')));
    expect(Object.keys(liteModule).sort()).toEqual(names(tablesIn('synced', 'local')));
  });

  it('gives every synced table the standard columns of DESIGN.md §3', () => {
    for (const t of tablesIn('synced')) {
      const cols = Object.keys(t.columns);
      for (const std of [
        'id',
        'created_at',
        'updated_at',
        'created_by',
        'updated_by',
        'deleted_at',
        'version',
      ]) {
        expect(cols, `${t.name}.${std}`).toContain(std);
      }
      expect(t.columns.id?.kind).toBe('uuid');
    }
  });

  it('keeps money in integer minor units', () => {
    for (const t of allTables) {
      for (const [col, m] of Object.entries(t.columns)) {
        if (/amount|price|fee|cost/.test(col)) expect(m.kind, `${t.name}.${col}`).toBe('money');
      }
    }
  });
});

describe('the two dialects agree on every synced table', () => {
  for (const t of tablesIn('synced')) {
    it(t.name, () => {
      const p = pgConfig(t.pg);
      const l = liteConfig(t.lite);
      expect(p.name).toBe(l.name);
      const shape = (cols: { name: string; notNull: boolean; primary: boolean }[]) =>
        cols.map((c) => ({ name: c.name, notNull: c.notNull, primary: c.primary }));
      expect(shape(l.columns)).toEqual(shape(p.columns));
      const idx = (is: { config: { name?: string | undefined; unique: boolean; columns: unknown[] } }[]) =>
        is.map((i) => [i.config.name, i.config.unique, i.config.columns.length]).sort();
      expect(idx(l.indexes)).toEqual(idx(p.indexes));
      expect(l.checks.map((c) => c.name).sort()).toEqual(p.checks.map((c) => c.name).sort());
      // Foreign keys are Postgres-only by design: a workstation holds a partial replica.
      const refs = Object.values(t.columns).filter((m) => m.references).length;
      expect(p.foreignKeys).toHaveLength(refs);
      expect(l.foreignKeys).toHaveLength(0);
    });
  }
});
