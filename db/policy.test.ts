import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  type Action,
  APPEND_ONLY_UPDATABLE,
  AUTHOR_COLUMN,
  authorizeWrite,
  can,
  explain,
  kindHolds,
  kindRefusal,
  POLICY,
  policedTables,
  readableFields,
  rowCondition,
  rowMatches,
  writableFields,
} from './policy.ts';
import { ROLE_NAMES } from './schema/accounts.ts';
import { tableByName, tablesIn } from './schema/index.ts';
import { SYSTEM_COLUMNS } from './validation.ts';

type Row = readonly [role: string, action: Action, table: string, field: string | null, expected: boolean];

// The matrix, pinned: [role, action, table, field | null, expected].
const EXPECTATIONS: readonly Row[] = [
  // admin
  ['admin', 'read', 'patients', 'known_allergies', true],
  ['admin', 'update', 'patients', 'merged_into_id', true],
  ['admin', 'delete', 'patients', null, true],
  ['admin', 'read', 'audit_log', null, true],
  ['admin', 'update', 'audit_log', null, false],
  ['admin', 'delete', 'audit_log', null, false],
  ['admin', 'update', 'vitals', null, false],
  ['admin', 'delete', 'vitals', null, true],
  ['admin', 'read', 'user_credentials', 'password_hash', false],
  ['admin', 'update', 'user_credentials', 'locked_until', true],
  ['admin', 'read', 'server_secrets', 'value', false],
  ['admin', 'read', 'workstations', 'token_hash', false],
  ['admin', 'update', 'sync_conflicts', 'resolution_value', true],
  ['admin', 'update', 'quarantined_mutations', 'status', true],
  ['admin', 'update', 'patients', 'mrn', false],
  // doctor
  ['doctor', 'create', 'encounters', null, true],
  ['doctor', 'update', 'encounters', 'diagnosis', true],
  ['doctor', 'create', 'prescriptions', null, true],
  ['doctor', 'create', 'lab_orders', null, true],
  ['doctor', 'read', 'lab_results', null, true],
  ['doctor', 'create', 'lab_results', null, false],
  ['doctor', 'create', 'vitals', null, true],
  ['doctor', 'update', 'vitals', null, false],
  ['doctor', 'create', 'clinical_notes', null, true],
  ['doctor', 'create', 'medical_conditions', null, true],
  ['doctor', 'delete', 'medical_conditions', null, false],
  ['doctor', 'delete', 'encounters', null, false],
  ['doctor', 'read', 'bills', null, false],
  ['doctor', 'read', 'payments', null, false],
  ['doctor', 'read', 'user_credentials', null, false],
  ['doctor', 'read', 'audit_log', null, false],
  ['doctor', 'create', 'audit_log', null, true],
  ['doctor', 'update', 'doctor_profiles', 'availability', true],
  // nurse
  ['nurse', 'create', 'vitals', null, true],
  ['nurse', 'create', 'clinical_notes', null, true],
  ['nurse', 'update', 'tasks', 'status', true],
  ['nurse', 'update', 'beds', 'status', true],
  ['nurse', 'update', 'beds', 'ward_id', false],
  ['nurse', 'create', 'admissions', null, true],
  ['nurse', 'read', 'prescriptions', null, true],
  ['nurse', 'create', 'prescriptions', null, false],
  ['nurse', 'read', 'lab_results', null, true],
  ['nurse', 'update', 'lab_orders', 'collected_at', true],
  ['nurse', 'update', 'lab_orders', 'test_name', false],
  ['nurse', 'update', 'encounters', 'diagnosis', false],
  ['nurse', 'update', 'encounters', 'chief_complaint', true],
  ['nurse', 'update', 'patients', 'ward_id', true],
  ['nurse', 'read', 'bills', null, false],
  // receptionist
  ['receptionist', 'create', 'patients', null, true],
  ['receptionist', 'update', 'patients', 'phone', true],
  ['receptionist', 'read', 'patients', 'known_allergies', false],
  ['receptionist', 'read', 'patients', 'blood_group', false],
  ['receptionist', 'update', 'patients', 'known_allergies', false],
  ['receptionist', 'update', 'patients', 'ward_id', false],
  ['receptionist', 'update', 'patients', 'merged_into_id', false],
  ['receptionist', 'create', 'appointments', null, true],
  ['receptionist', 'update', 'appointments', 'queue_number', true],
  ['receptionist', 'create', 'bills', null, true],
  ['receptionist', 'create', 'bill_items', null, true],
  ['receptionist', 'create', 'payments', null, true],
  ['receptionist', 'update', 'payments', null, false],
  ['receptionist', 'create', 'insurance_details', null, true],
  ['receptionist', 'read', 'encounters', 'id', true],
  ['receptionist', 'read', 'encounters', 'notes', false],
  ['receptionist', 'read', 'encounters', 'diagnosis', false],
  ['receptionist', 'read', 'clinical_notes', null, false],
  ['receptionist', 'read', 'lab_results', null, false],
  ['receptionist', 'read', 'vitals', null, false],
  ['receptionist', 'read', 'prescriptions', null, false],
  ['receptionist', 'delete', 'bills', null, false],
  ['receptionist', 'create', 'patient_documents', null, true],
  ['receptionist', 'read', 'patient_documents', null, false],
  // pharmacist
  ['pharmacist', 'read', 'prescriptions', null, true],
  ['pharmacist', 'update', 'prescriptions', 'status', true],
  ['pharmacist', 'update', 'prescriptions', 'dosage', false],
  ['pharmacist', 'create', 'prescriptions', null, false],
  ['pharmacist', 'read', 'allergies', null, true],
  ['pharmacist', 'read', 'patients', 'known_allergies', true],
  ['pharmacist', 'read', 'patients', 'national_id', false],
  ['pharmacist', 'read', 'encounters', null, false],
  ['pharmacist', 'read', 'clinical_notes', null, false],
  ['pharmacist', 'create', 'dispensing_logs', null, true],
  ['pharmacist', 'create', 'stock_movements', null, true],
  ['pharmacist', 'create', 'stock_adjustments', null, true],
  ['pharmacist', 'create', 'goods_received_notes', null, true],
  ['pharmacist', 'create', 'purchase_orders', null, true],
  ['pharmacist', 'update', 'stock_batches', 'expiry_date', true],
  ['pharmacist', 'update', 'dispensing_logs', null, false],
  ['pharmacist', 'delete', 'stock_movements', null, false],
  ['pharmacist', 'read', 'bills', null, false],
  // lab technician
  ['lab_technician', 'read', 'lab_orders', null, true],
  ['lab_technician', 'update', 'lab_orders', 'status', true],
  ['lab_technician', 'update', 'lab_orders', 'collected_at', true],
  ['lab_technician', 'update', 'lab_orders', 'priority', false],
  ['lab_technician', 'create', 'lab_orders', null, false],
  ['lab_technician', 'create', 'lab_results', null, true],
  ['lab_technician', 'update', 'lab_results', null, false],
  ['lab_technician', 'read', 'patients', 'first_name', true],
  ['lab_technician', 'read', 'patients', 'known_allergies', false],
  ['lab_technician', 'update', 'patients', null, false],
  ['lab_technician', 'read', 'encounters', null, false],
  ['lab_technician', 'read', 'vitals', null, false],
  // everyone
  ['nurse', 'update', 'notifications', 'is_read', true],
  ['nurse', 'update', 'notifications', 'title', false],
  ['pharmacist', 'update', 'users', 'phone', true],
  ['pharmacist', 'update', 'users', 'role_id', false],
  ['receptionist', 'update', 'secure_messages', 'read_at', true],
  ['receptionist', 'update', 'secure_messages', 'body', false],
  ['lab_technician', 'create', 'role_change_requests', null, true],
  ['lab_technician', 'create', 'role_change_requests', 'status', false],
  ['doctor', 'update', 'roles', null, false],
];

describe('the matrix', () => {
  it('has enough rows covering every role', () => {
    expect(EXPECTATIONS.length).toBeGreaterThanOrEqual(60);
    for (const role of ROLE_NAMES)
      expect(EXPECTATIONS.filter(([r]) => r === role).length).toBeGreaterThanOrEqual(8);
  });

  it.each(
    EXPECTATIONS.map((r) => [`${r[0]} ${r[1]} ${r[2]}${r[3] ? `.${r[3]}` : ''} → ${r[4]}`, r] as const),
  )('%s', (_, [role, action, table, field, expected]) => {
    expect(can(role, action, table, field ?? undefined)).toBe(expected);
    expect(explain(role, action, table, field ?? undefined) === null).toBe(expected);
  });
});

describe('properties', () => {
  const policed = policedTables();

  it('every synced and server table has a policy row, and no row names an unknown table', () => {
    expect(policed.map((t) => t.name).filter((n) => !(n in POLICY))).toEqual([]);
    expect(Object.keys(POLICY).filter((n) => !policed.some((t) => t.name === n))).toEqual([]);
    for (const t of tablesIn('local'))
      for (const role of ROLE_NAMES) expect(can(role, 'read', t.name)).toBe(false);
  });

  it('every column named in the policy exists on its table', () => {
    for (const [name, row] of Object.entries(POLICY)) {
      const cols = tableByName(name)!.columns;
      for (const cell of row) {
        if (typeof cell === 'string') {
          expect(cell).toMatch(/^r?c?u?d?$/);
          continue;
        }
        const named = [
          ...(cell.hide ?? []),
          ...(cell.createExcept ?? []),
          ...(cell.updateOnly ?? []),
          ...(cell.updateExcept ?? []),
          ...Object.values(cell.own ?? {}).flatMap((c) => [...c.userIs, ...(c.orTrue ?? [])]),
        ];
        for (const col of named) expect(cols, `${name}.${col}`).toHaveProperty(col);
      }
    }
    for (const [name, col] of Object.entries(AUTHOR_COLUMN))
      expect(tableByName(name)!.columns).toHaveProperty(col);
    for (const [name, cols] of Object.entries(APPEND_ONLY_UPDATABLE)) {
      expect(tableByName(name)!.appendOnly).toBe(true);
      for (const col of cols) expect(tableByName(name)!.columns).toHaveProperty(col);
    }
  });

  it('admin can read every table', () => {
    for (const t of policed) expect(can('admin', 'read', t.name), t.name).toBe(true);
  });

  it('nobody updates or deletes audit_log', () => {
    for (const role of ROLE_NAMES) {
      expect(can(role, 'update', 'audit_log')).toBe(false);
      expect(can(role, 'delete', 'audit_log')).toBe(false);
      expect(writableFields(role, 'audit_log', 'update')).toEqual([]);
    }
    expect(explain('admin', 'update', 'audit_log')).toMatch(/no one may update audit_log/);
  });

  it('append-only tables are never updated, bar the listed fields under an ownership condition', () => {
    for (const t of policed.filter((x) => x.appendOnly))
      for (const role of ROLE_NAMES) {
        const allowed = APPEND_ONLY_UPDATABLE[t.name] ?? [];
        const fields = writableFields(role, t.name, 'update');
        expect(
          fields.filter((f) => !allowed.includes(f)),
          `${role} ${t.name}`,
        ).toEqual([]);
        if (fields.length) expect(rowCondition(role, t.name, 'update'), `${role} ${t.name}`).not.toBeNull();
        if (role !== 'admin') expect(can(role, 'delete', t.name), `${role} delete ${t.name}`).toBe(false);
      }
  });

  it('only the admin deletes clinical rows (patients and any table with a patient_id)', () => {
    const clinical = policed.filter((t) => t.name === 'patients' || 'patient_id' in t.columns);
    expect(clinical.length).toBeGreaterThan(20);
    for (const t of clinical)
      for (const role of ROLE_NAMES.filter((r) => r !== 'admin'))
        expect(can(role, 'delete', t.name), `${role} ${t.name}`).toBe(false);
  });

  it('no role reads a secret', () => {
    const secrets = {
      user_credentials: ['password_hash', 'totp_secret_enc'],
      auth_sessions: ['token_hash'],
      server_secrets: ['value'],
      workstations: ['token_hash', 'enrollment_code_hash'],
      authoring_grants: ['grant_hash'],
    };
    for (const [table, cols] of Object.entries(secrets))
      for (const role of ROLE_NAMES)
        for (const col of cols) expect(can(role, 'read', table, col), `${role} ${table}.${col}`).toBe(false);
  });

  it('writes stay within what the role reads; system columns are never written (id on create only)', () => {
    const system = new Set<string>(SYSTEM_COLUMNS);
    for (const t of policed)
      for (const role of ROLE_NAMES) {
        const readable = readableFields(role, t.name);
        for (const action of ['create', 'update'] as const) {
          const w = writableFields(role, t.name, action);
          if (readable.length)
            for (const f of w) expect(readable, `${role} ${action} ${t.name}.${f}`).toContain(f);
          for (const f of w) if (system.has(f)) expect([action, f]).toEqual(['create', 'id']);
          expect(
            w.length > 0 || !can(role, action, t.name),
            `${role} ${action} ${t.name} allows no field`,
          ).toBe(true);
        }
      }
  });

  it('every action on every policed table answers for every role without throwing', () => {
    for (const t of policed)
      for (const role of ROLE_NAMES)
        for (const action of ACTIONS) expect(typeof can(role, action, t.name)).toBe('boolean');
  });
});

describe('field lists, conditions and reasons', () => {
  it('readableFields hides clinical fields from reception and lists system columns', () => {
    const r = readableFields('receptionist', 'patients');
    expect(r).toContain('id');
    expect(r).toContain('version');
    expect(r).toContain('first_name');
    expect(r).not.toContain('known_allergies');
    expect(readableFields('receptionist', 'vitals')).toEqual([]);
  });

  it('writableFields gives the exact field-level grants', () => {
    expect(writableFields('pharmacist', 'prescriptions', 'update')).toEqual(['status']);
    expect([...writableFields('lab_technician', 'lab_orders', 'update')].sort()).toEqual([
      'collected_at',
      'status',
    ]);
    expect(writableFields('nurse', 'notifications', 'update')).toEqual(['is_read']);
    expect(writableFields('receptionist', 'patients', 'create')).toContain('mrn');
    expect(writableFields('receptionist', 'patients', 'update')).not.toContain('mrn');
    expect(writableFields('doctor', 'vitals', 'update')).toEqual([]);
  });

  it('rowCondition returns ownership conditions callers evaluate', () => {
    expect(rowCondition('nurse', 'notifications', 'read')).toEqual({ userIs: ['user_id'] });
    expect(rowCondition('admin', 'notifications', 'read')).toBeNull();
    expect(rowCondition('doctor', 'patients', 'read')).toBeNull();
    expect(rowCondition('doctor', 'secure_messages', 'read')).toEqual({
      userIs: ['sender_id', 'recipient_id'],
    });
    expect(rowCondition('doctor', 'secure_messages', 'update')).toEqual({ userIs: ['recipient_id'] });
    expect(rowCondition('doctor', 'note_templates', 'read')).toEqual({
      userIs: ['owner_id'],
      orTrue: ['is_shared'],
    });
    expect(rowCondition('receptionist', 'system_settings')).toEqual({ userIs: [], orTrue: ['is_public'] });
    // authorship on create, for every role
    expect(rowCondition('doctor', 'prescriptions', 'create')).toEqual({ userIs: ['prescriber_id'] });
    expect(rowCondition('admin', 'vitals', 'create')).toEqual({ userIs: ['recorded_by'] });
    expect(rowCondition('lab_technician', 'lab_results', 'create')).toEqual({ userIs: ['resulted_by'] });
    for (const [table, col] of Object.entries(AUTHOR_COLUMN))
      for (const role of ROLE_NAMES)
        if (can(role, 'create', table)) {
          expect(rowCondition(role, table, 'create')).toEqual({ userIs: [col] });
          // no table has both an author column and a create condition in its grant
          const cell = POLICY[table]![ROLE_NAMES.indexOf(role)]!;
          expect(typeof cell === 'string' || !cell.own?.create, `${role} ${table}`).toBe(true);
        }
    const me = 'u1';
    expect(rowMatches({ userIs: ['user_id'] }, { user_id: me }, me)).toBe(true);
    expect(rowMatches({ userIs: ['user_id'] }, { user_id: 'u2' }, me)).toBe(false);
    expect(
      rowMatches({ userIs: ['owner_id'], orTrue: ['is_shared'] }, { owner_id: 'u2', is_shared: true }, me),
    ).toBe(true);
    expect(rowMatches(null, {}, me)).toBe(true);
  });

  it('explain gives quarantine-ready reasons', () => {
    expect(explain('receptionist', 'update', 'prescriptions')).toBe(
      'receptionist may not update prescriptions',
    );
    expect(explain('pharmacist', 'update', 'prescriptions', 'dosage')).toBe(
      'pharmacist may not update prescriptions.dosage',
    );
    expect(explain('receptionist', 'read', 'patients', 'known_allergies')).toBe(
      'receptionist may not read patients.known_allergies',
    );
    expect(explain('admin', 'update', 'vitals')).toMatch(/append-only/);
    expect(explain('admin', 'update', 'patients', 'created_by')).toBe(
      'patients.created_by is set by the system',
    );
    expect(explain('admin', 'update', 'patients', 'mrn')).toMatch(/cannot be changed/);
    expect(explain('janitor', 'read', 'patients')).toBe('unknown role "janitor"');
    expect(explain('admin', 'read', 'no_such_table')).toBe('no policy for table "no_such_table"');
    expect(explain('admin', 'read', 'patients', 'no_such_field')).toBe(
      'patients has no field "no_such_field"',
    );
    expect(can('admin', 'read', 'patients', 'no_such_field')).toBe(false);
  });

  it('authorizeWrite checks action, every field and the ownership condition', () => {
    expect(authorizeWrite('pharmacist', 'update', 'prescriptions', ['status'])).toBeNull();
    expect(authorizeWrite('pharmacist', 'update', 'prescriptions', ['status', 'quantity'])).toBe(
      'pharmacist may not update prescriptions.quantity',
    );
    expect(
      authorizeWrite('nurse', 'update', 'notifications', ['is_read'], {
        userId: 'u1',
        row: { user_id: 'u1' },
      }),
    ).toBeNull();
    expect(
      authorizeWrite('nurse', 'update', 'notifications', ['is_read'], {
        userId: 'u1',
        row: { user_id: 'u2' },
      }),
    ).toMatch(/only where user_id is their own/);
    expect(
      authorizeWrite('doctor', 'create', 'prescriptions', ['patient_id'], {
        userId: 'u1',
        row: { prescriber_id: 'u2' },
      }),
    ).toMatch(/prescriber_id/);
    expect(authorizeWrite('receptionist', 'delete', 'patients', [])).toBe(
      'receptionist may not delete patients',
    );
  });
});

describe('what each kind of PC holds', () => {
  it('holds a field when a role working there may read it, whoever signs in (a doctor at the front desk sends no blood group)', () => {
    expect(can('doctor', 'create', 'patients', 'blood_group')).toBe(true);
    expect(kindHolds('reception', 'patients', 'blood_group')).toBe(false);
    expect(kindHolds('ward', 'patients', 'blood_group')).toBe(true);
    expect(kindHolds('admin', 'patients', 'blood_group')).toBe(true);
    expect(kindHolds('reception', 'patients', 'phone')).toBe(true);
    expect(kindRefusal('reception', 'patients', ['id', 'phone', 'blood_group', 'known_allergies'])).toBe(
      "outside this workstation's scope: a reception workstation does not hold patients.blood_group, patients.known_allergies",
    );
    expect(kindRefusal('ward', 'patients', ['id', 'phone', 'blood_group'])).toBeNull();
  });
});
