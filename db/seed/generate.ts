/**
 * A deterministic synthetic hospital in The Gambia, streamed table by table.
 *
 * `generateHospital()` yields `{table, rows}` batches in an order that satisfies every foreign key:
 * first the reference data (roles, staff, wards, the pharmacy with its stock, the price list), then
 * the patients in chunks, each chunk's tables in dependency order, and finally the current
 * inpatients (whose beds point at them). Only one chunk of patients is in memory at a time, so
 * 200,000 patients stream in constant memory.
 *
 * Pure: no database driver, no clock, no `Math.random`. The same options give the same rows, ids
 * included (see `random.ts`). Timestamps count back from `referenceDate`.
 */
import { formatNumber, queueTicket } from '../numbers.ts';
import { ROLE_NAMES, type RoleName } from '../schema/accounts.ts';
import * as s from '../schema/index.ts';
import { IdMaker, Rng } from './random.ts';
import {
  ALLERGENS,
  BLOOD_GROUPS,
  DRUGS,
  type DrugSpec,
  FAMILY_CONDITIONS,
  INSURERS,
  LAB_TESTS,
  type LabAnalyte,
  MEDICATION_CATEGORIES,
  NAME_POOLS,
  type NamePool,
  PHONE_PREFIX,
  PRESENTATIONS,
  type Presentation,
  RELATIONS,
  RESOURCES,
  SERVICES,
  SPECIALIZATIONS,
  STREETS,
  SUPPLIERS,
  SURGERIES,
  SURGERY_HOSPITALS,
  WARDS,
  type WardSpec,
} from './vocabulary.ts';

/** The tables the generator fills, in foreign-key-safe insertion order. */
export const SEED_TABLES = {
  roles: s.roles,
  users: s.users,
  user_credentials: s.user_credentials,
  doctor_profiles: s.doctor_profiles,
  system_settings: s.system_settings,
  wards: s.wards,
  medication_categories: s.medication_categories,
  suppliers: s.suppliers,
  medication_items: s.medication_items,
  purchase_orders: s.purchase_orders,
  purchase_order_items: s.purchase_order_items,
  goods_received_notes: s.goods_received_notes,
  stock_batches: s.stock_batches,
  grn_items: s.grn_items,
  service_catalog_items: s.service_catalog_items,
  resources: s.resources,
  note_templates: s.note_templates,
  patients: s.patients,
  beds: s.beds,
  patient_doctor_assignments: s.patient_doctor_assignments,
  insurance_details: s.insurance_details,
  allergies: s.allergies,
  medical_conditions: s.medical_conditions,
  surgical_histories: s.surgical_histories,
  family_histories: s.family_histories,
  vaccinations: s.vaccinations,
  admissions: s.admissions,
  appointments: s.appointments,
  appointment_notifications: s.appointment_notifications,
  encounters: s.encounters,
  vitals: s.vitals,
  clinical_notes: s.clinical_notes,
  prescriptions: s.prescriptions,
  lab_orders: s.lab_orders,
  lab_results: s.lab_results,
  dispensing_logs: s.dispensing_logs,
  stock_adjustments: s.stock_adjustments,
  stock_movements: s.stock_movements,
  bills: s.bills,
  bill_items: s.bill_items,
  payments: s.payments,
  referrals: s.referrals,
  resource_bookings: s.resource_bookings,
  tasks: s.tasks,
  notifications: s.notifications,
} as const;

type SeedTables = typeof SEED_TABLES;
export type SeedTableName = keyof SeedTables;
export type RowOf<N extends SeedTableName> = SeedTables[N]['pg']['$inferInsert'];
export type SeedBatch = { [N in SeedTableName]: { table: N; rows: RowOf<N>[] } }[SeedTableName];
export const SEED_TABLE_ORDER = Object.keys(SEED_TABLES) as SeedTableName[];

export interface GenerateOptions {
  /** Number of patients (default 500). */
  patients?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** "Now" of the demo hospital; every timestamp counts back (or forward, for bookings) from it. */
  referenceDate?: string;
  /** Workstation code in MRNs and bill numbers (`P-<code>-000001`). */
  code?: string;
  /** Ids of roles that already exist (the server bootstraps them); missing ones are generated. */
  roleIds?: Partial<Record<RoleName, string>>;
  /** argon2 hashes of the demo passwords, per role (the generator cannot hash: it stays pure). */
  passwordHashes?: Partial<Record<RoleName, string>>;
  /** Patients generated before a flush (memory bound). */
  chunkPatients?: number;
  /** Maximum rows in one yielded batch. */
  batchRows?: number;
}

/** A Monday, late morning in Banjul (GMT): today's clinic is under way, the afternoon still booked. */
export const DEFAULT_REFERENCE_DATE = '2026-11-02T11:00:00.000Z';
export const DEFAULT_CODE = 'DEMO';

/** How many staff of each role a hospital of `patients` patients gets. */
export function staffPlan(patients: number): Record<RoleName, number> {
  const doctors = Math.min(80, Math.max(6, Math.ceil(patients / 2500)));
  return {
    admin: 1,
    doctor: doctors,
    nurse: doctors * 2,
    receptionist: Math.max(3, Math.ceil(doctors / 3)),
    pharmacist: Math.max(2, Math.ceil(doctors / 6)),
    lab_technician: Math.max(2, Math.ceil(doctors / 5)),
  };
}

/** Demo log-ins: `doctor1` … with password `demo-doctor`; admins start at `admin2` (the server owns `admin`). */
export const demoUsername = (role: RoleName, n: number) =>
  role === 'admin' ? `admin${n + 1}` : `${role}${n}`;
export const demoPassword = (role: RoleName) => `demo-${role}`;

export function demoLogins(patients: number): { role: RoleName; usernames: string[]; password: string }[] {
  const plan = staffPlan(patients);
  return ROLE_NAMES.map((role) => ({
    role,
    usernames: Array.from({ length: plan[role] }, (_, i) => demoUsername(role, i + 1)),
    password: demoPassword(role),
  }));
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const YEAR = 365.25 * DAY;

const iso = (ms: number) => new Date(ms).toISOString();
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const ascii = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

/** Accumulates one chunk's rows per table and hands them out in insertion order. */
class Buffers {
  private rows = new Map<SeedTableName, unknown[]>();

  add<N extends SeedTableName>(table: N, row: RowOf<N>): void {
    let list = this.rows.get(table);
    if (!list) {
      list = [];
      this.rows.set(table, list);
    }
    list.push(row);
  }

  /** Moves every row of `other` into this buffer. */
  absorb(other: Buffers): void {
    for (const [table, rows] of other.rows) {
      const list = this.rows.get(table);
      if (list) list.push(...rows);
      else this.rows.set(table, rows);
    }
    other.rows = new Map();
  }

  *drain(batchRows: number): Generator<SeedBatch> {
    for (const table of SEED_TABLE_ORDER) {
      const rows = this.rows.get(table);
      if (!rows || rows.length === 0) continue;
      for (let i = 0; i < rows.length; i += batchRows) {
        // The map is keyed by table and filled only through `add`, so these rows are `RowOf<table>`.
        yield { table, rows: rows.slice(i, i + batchRows) } as SeedBatch;
      }
    }
    this.rows = new Map();
  }
}

interface Staff {
  id: string;
  role: RoleName;
  first: string;
  last: string;
}

interface Bed {
  id: string;
  ward: number;
  number: string;
  occupied: boolean;
}

interface Batch {
  id: string;
  item: number;
  expiryMs: number;
  remaining: number;
}

interface Item {
  id: string;
  spec: DrugSpec;
  batches: number[];
  /** Units received through GRNs, the yardstick for "low stock". */
  received: number;
}

interface Person {
  first: string;
  middle: string | null;
  last: string;
  gender: 'female' | 'male';
  dobMs: number;
  pool: NamePool;
}

type Std = {
  id: string;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  updated_by: string | null;
  deleted_at: null;
  version: number;
};

class Hospital {
  readonly rng: Rng;
  readonly ids: IdMaker;
  readonly now: number;
  readonly code: string;
  readonly patients: number;
  readonly chunkPatients: number;
  readonly batchRows: number;

  readonly staff: Record<RoleName, Staff[]> = {
    admin: [],
    doctor: [],
    nurse: [],
    receptionist: [],
    pharmacist: [],
    lab_technician: [],
  };
  readonly wardIds: string[] = [];
  readonly beds: Bed[] = [];
  /** Vacant beds per ward, for the bed history of past admissions. */
  readonly vacantBeds: Bed[][] = [];
  readonly items: Item[] = [];
  readonly itemByName = new Map<string, number>();
  readonly batches: Batch[] = [];
  readonly serviceIds = new Map<string, { id: string; price: number }>();
  readonly labByCode = new Map<string, (typeof LAB_TESTS)[number]>();
  /** Patient index → the occupied bed that will hold them. */
  readonly admitted = new Map<number, Bed>();
  billCounter = 0;
  receiptCounter = 0;
  lastPatient: { id: string; person: Person; index: number } | null = null;

  constructor(private readonly opts: GenerateOptions) {
    const seed = (opts.seed ?? 1) >>> 0;
    this.rng = new Rng(seed);
    this.ids = new IdMaker(this.rng, seed);
    this.now = Date.parse(opts.referenceDate ?? DEFAULT_REFERENCE_DATE);
    if (Number.isNaN(this.now)) throw new Error(`invalid referenceDate: ${opts.referenceDate}`);
    this.code = opts.code ?? DEFAULT_CODE;
    this.patients = Math.max(0, Math.floor(opts.patients ?? 500));
    this.chunkPatients = Math.max(1, opts.chunkPatients ?? 1000);
    this.batchRows = Math.max(1, opts.batchRows ?? 1000);
    for (const t of LAB_TESTS) this.labByCode.set(t.code, t);
  }

  std(at: number, by: string | null = null, updatedMs = at): Std {
    // Nothing is created after "now" (bookings lie in the future, their rows do not).
    const ms = Math.min(at, this.now);
    return {
      id: this.ids.make(ms),
      created_at: iso(ms),
      updated_at: iso(Math.min(this.now, Math.max(ms, updatedMs))),
      created_by: by,
      updated_by: by,
      deleted_at: null,
      version: 1,
    };
  }

  staffOf(role: RoleName): Staff {
    return this.rng.pick(this.staff[role]);
  }

  // ---------------------------------------------------------------- reference data

  *reference(): Generator<SeedBatch> {
    const out = new Buffers();
    const { rng } = this;
    const start = this.now - 4 * YEAR;

    const roleIds = new Map<RoleName, string>();
    for (const role of ROLE_NAMES) {
      const existing = this.opts.roleIds?.[role];
      if (existing) {
        roleIds.set(role, existing);
        continue;
      }
      const row = { ...this.std(start), name: role, description: `${role.replace('_', ' ')} (demo)` };
      roleIds.set(role, row.id);
      out.add('roles', row);
    }

    const plan = staffPlan(this.patients);
    for (const role of ROLE_NAMES) {
      const hash = this.opts.passwordHashes?.[role] ?? `demo-unhashed:${demoPassword(role)}`;
      for (let n = 1; n <= plan[role]; n++) {
        const person = this.person(
          rng.chance(0.5) ? 'female' : 'male',
          25,
          60,
          rng.pick(NAME_POOLS.slice(0, 5)),
        );
        const ms = start + rng.int(0, 300) * DAY;
        const username = demoUsername(role, n);
        const std = this.std(ms);
        out.add('users', {
          ...std,
          username,
          email: `${username}@demo.hms.gm`,
          first_name: person.first,
          last_name: person.last,
          role_id: roleIds.get(role)!,
          is_active: true,
          phone: this.phone('gm'),
          language_preference: 'en',
          preferences: null,
        });
        out.add('user_credentials', {
          id: this.ids.make(ms),
          created_at: iso(ms),
          user_id: std.id,
          password_hash: hash,
          totp_secret_enc: null,
          totp_enabled: false,
          totp_last_step: null,
          failed_attempts: 0,
          locked_until: null,
          password_changed_at: iso(ms),
        });
        this.staff[role].push({ id: std.id, role, first: person.first, last: person.last });
        if (role === 'doctor') {
          const days = ['mon', 'tue', 'wed', 'thu', 'fri'].filter(() => rng.chance(0.8));
          const availability: Record<string, [string, string][]> = {};
          for (const day of days)
            availability[day] = rng.chance(0.5)
              ? [['08:30', '13:00']]
              : [
                  ['08:30', '13:00'],
                  ['14:00', '17:00'],
                ];
          out.add('doctor_profiles', {
            ...this.std(ms, null),
            user_id: std.id,
            specialization: n <= SPECIALIZATIONS.length ? SPECIALIZATIONS[n - 1]! : rng.pick(SPECIALIZATIONS),
            license_number: `GMDC/${2000 + rng.int(5, 24)}/${pad(rng.int(1, 9999), 4)}`,
            qualifications: rng.pick(['MBChB', 'MBBS', 'MBChB, MRCP', 'MD', 'MBBS, FWACS', 'MBChB, FMCPaed']),
            availability,
            consultation_fee: rng.pick([25000, 35000, 50000, 75000]),
            bio: `Dr ${person.first} ${person.last} works in the demo hospital.`,
          });
        }
      }
    }
    const admin = this.staff.admin[0]!.id;

    const settings: [string, string, string, string, boolean][] = [
      [
        'hospital.name',
        'Kanifing Demo General Hospital',
        'Name printed on bills and reports',
        'general',
        true,
      ],
      ['hospital.address', 'Kairaba Avenue, Kanifing, The Gambia', 'Postal address', 'general', true],
      ['hospital.phone', '+220 4391000', 'Switchboard', 'general', true],
      ['billing.currency', 'GMD', 'Dalasi; amounts are stored in bututs (1/100)', 'billing', true],
      ['billing.bill_due_days', '30', 'Days until a bill is due', 'billing', false],
      ['appointments.slot_minutes', '15', 'Default appointment length', 'appointments', false],
      [
        'appointments.reminder_hours',
        '24',
        'Hours before an appointment to send the SMS reminder',
        'appointments',
        false,
      ],
      [
        'pharmacy.expiry_warning_days',
        '90',
        'Warn about batches expiring within this many days',
        'pharmacy',
        false,
      ],
      ['locale.timezone', 'Africa/Banjul', 'Hospital time zone (GMT, no daylight saving)', 'general', true],
      ['security.session_minutes', '30', 'Idle minutes before a workstation locks', 'security', true],
    ];
    for (const [key, value, description, category, isPublic] of settings) {
      out.add('system_settings', {
        ...this.std(start, admin),
        key,
        value,
        description,
        category,
        is_public: isPublic,
      });
    }

    WARDS.forEach((w, wi) => {
      const nurse = this.staff.nurse[wi % this.staff.nurse.length]!;
      const ward = {
        ...this.std(start, admin),
        name: w.name,
        code: w.code,
        ward_type: w.type,
        capacity: w.beds,
        floor: w.floor,
        nurse_in_charge_id: nurse.id,
      };
      this.wardIds.push(ward.id);
      out.add('wards', ward);
      this.vacantBeds.push([]);
      for (let b = 1; b <= w.beds; b++) {
        this.beds.push({
          id: this.ids.make(start),
          ward: wi,
          number: `${w.code}-${pad(b, 2)}`,
          occupied: false,
        });
      }
    });
    this.chooseInpatients();
    for (const bed of this.beds) {
      if (bed.occupied) continue;
      this.vacantBeds[bed.ward]!.push(bed);
      // Vacant beds go in now; occupied ones after their occupants (see `final`).
      out.add('beds', this.bedRow(bed, null));
    }

    this.pharmacy(out, start, admin);

    for (const [code, name, category, price] of SERVICES) {
      const row = { ...this.std(start, admin), code, name, category, unit_price: price, is_active: true };
      this.serviceIds.set(code, { id: row.id, price });
      out.add('service_catalog_items', row);
    }
    for (const t of LAB_TESTS) {
      const row = {
        ...this.std(start, admin),
        code: `LAB-${t.code}`,
        name: t.name,
        category: 'laboratory' as const,
        unit_price: t.price,
        is_active: true,
      };
      this.serviceIds.set(`LAB-${t.code}`, { id: row.id, price: t.price });
      out.add('service_catalog_items', row);
    }
    for (const [name, type, location] of RESOURCES) {
      out.add('resources', {
        ...this.std(start, admin),
        name,
        resource_type: type,
        location,
        is_active: true,
      });
    }
    const templates: [string, 'progress' | 'nursing' | 'handover' | 'discharge' | 'encounter', string][] = [
      ['SOAP note', 'encounter', 'S:\nO:\nA:\nP:'],
      [
        'Malaria review',
        'progress',
        'Fever since: \nRDT: \nDanger signs: none / \nPlan: ACT, review in 3 days',
      ],
      ['Nursing shift note', 'nursing', 'General condition:\nObservations:\nIntake/output:\nConcerns:'],
      ['Shift handover (SBAR)', 'handover', 'Situation:\nBackground:\nAssessment:\nRecommendation:'],
      [
        'Discharge summary',
        'discharge',
        'Diagnosis:\nTreatment given:\nMedication on discharge:\nFollow-up:',
      ],
    ];
    for (const [name, type, body] of templates) {
      out.add('note_templates', {
        ...this.std(start, admin),
        name,
        owner_id: null,
        note_type: type,
        body,
        is_shared: true,
      });
    }
    yield* out.drain(this.batchRows);
  }

  bedRow(bed: Bed, patientId: string | null): RowOf<'beds'> {
    const start = this.now - 4 * YEAR;
    const status = patientId
      ? ('occupied' as const)
      : this.rng.weighted([
          ['available', 85],
          ['cleaning', 7],
          ['maintenance', 4],
          ['reserved', 4],
        ] as const);
    return {
      id: bed.id,
      created_at: iso(start),
      updated_at: iso(patientId ? this.now - this.rng.int(1, 72) * HOUR : start),
      created_by: this.staff.admin[0]!.id,
      updated_by: this.staff.admin[0]!.id,
      deleted_at: null,
      version: 1,
      ward_id: this.wardIds[bed.ward]!,
      bed_number: bed.number,
      status,
      patient_id: patientId,
      managed_by: this.staffOf('nurse').id,
    };
  }

  /** About 70 % of beds are occupied, by at most 8 % of the patients. Picks which patients. */
  chooseInpatients(): void {
    const target = Math.min(Math.round(this.beds.length * 0.7), Math.floor(this.patients * 0.08));
    const order = this.beds.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = this.rng.int(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const chosen = new Set<number>();
    // Floyd's sampling: `target` distinct patient indices without building the whole range.
    for (let j = this.patients - target; j < this.patients; j++) {
      const t = this.rng.int(0, j);
      chosen.add(chosen.has(t) ? j : t);
    }
    const patientsSorted = [...chosen].sort((a, b) => a - b);
    patientsSorted.forEach((p, k) => {
      const bed = this.beds[order[k]!]!;
      bed.occupied = true;
      this.admitted.set(p, bed);
    });
  }

  pharmacy(out: Buffers, start: number, admin: string): void {
    const { rng } = this;
    const categoryIds = new Map<string, string>();
    for (const [name, description] of MEDICATION_CATEGORIES) {
      const row = { ...this.std(start, admin), name, description };
      categoryIds.set(name, row.id);
      out.add('medication_categories', row);
    }
    const supplierIds: string[] = [];
    for (const [name, address, contact] of SUPPLIERS) {
      const row = {
        ...this.std(start, admin),
        name,
        contact_person: contact,
        phone: this.phone(address === 'Dakar' ? 'sn' : address === 'Copenhagen' ? 'de' : 'gm'),
        email: `orders@${ascii(name).slice(0, 16)}.example`,
        address,
        is_active: true,
      };
      supplierIds.push(row.id);
      out.add('suppliers', row);
    }
    DRUGS.forEach((spec, i) => {
      const row = {
        ...this.std(start, admin),
        name: spec.name,
        generic_name: spec.generic,
        category_id: categoryIds.get(spec.category)!,
        default_supplier_id: supplierIds[i % supplierIds.length]!,
        strength: spec.strength,
        form: spec.form,
        unit: spec.unit,
        barcode: `62000${pad(i + 1, 3)}${pad(rng.int(0, 99999), 5)}`,
        requires_prescription: spec.rx,
        reorder_level: spec.price > 10000 ? 20 : 200,
        unit_price: spec.price,
        is_active: true,
      };
      this.itemByName.set(spec.name, this.items.length);
      this.items.push({ id: row.id, spec, batches: [], received: 0 });
      out.add('medication_items', row);
    });

    // Stock arrives through purchase orders and goods received notes, a few deliveries a year.
    const pharmacist = () => this.staffOf('pharmacist').id;
    const scale = Math.max(1, Math.ceil(this.patients / 400));
    const deliveries = 8;
    for (let k = 0; k < deliveries; k++) {
      const orderedMs = this.now - (deliveries - k) * 150 * DAY + rng.int(0, 20) * DAY;
      const receivedMs = orderedMs + rng.int(7, 30) * DAY;
      const supplier = supplierIds[k % supplierIds.length]!;
      const po = {
        ...this.std(orderedMs, pharmacist(), receivedMs),
        order_number: formatNumber('purchase_order', this.code, k + 1),
        supplier_id: supplier,
        status: 'received' as const,
        ordered_on: ymd(orderedMs),
        expected_on: ymd(orderedMs + 21 * DAY),
        notes: null,
      };
      const grn = {
        ...this.std(receivedMs, pharmacist()),
        grn_number: formatNumber('grn', this.code, k + 1),
        purchase_order_id: po.id,
        supplier_id: supplier,
        received_on: ymd(receivedMs),
        received_by: pharmacist(),
        notes: null,
      };
      const lines: { item: Item; qty: number; cost: number }[] = [];
      this.items.forEach((item, i) => {
        // Each delivery carries about half the catalogue; every item appears in the first one.
        if (k > 0 && (i + k) % 2 === 1) return;
        const qty = rng.int(20, 200) * 10 * scale;
        lines.push({ item, qty, cost: Math.max(1, Math.round(item.spec.price * rng.real(0.45, 0.7, 2))) });
      });
      out.add('purchase_orders', po);
      out.add('goods_received_notes', grn);
      for (const line of lines) {
        out.add('purchase_order_items', {
          ...this.std(orderedMs, po.created_by),
          purchase_order_id: po.id,
          medication_item_id: line.item.id,
          quantity_ordered: line.qty,
          unit_cost: line.cost,
        });
        const expiryMs = receivedMs + rng.int(10, 36) * 30 * DAY;
        const batch = {
          ...this.std(receivedMs, grn.received_by),
          medication_item_id: line.item.id,
          batch_number: `${ascii(line.item.spec.generic).slice(0, 3).toUpperCase()}${ymd(receivedMs).slice(2, 7).replace('-', '')}${pad(k + 1, 2)}`,
          expiry_date: ymd(expiryMs),
          supplier_id: supplier,
          cost_price: line.cost,
          received_on: ymd(receivedMs),
          barcode: null,
        };
        out.add('stock_batches', batch);
        const grnItem = {
          ...this.std(receivedMs, grn.received_by),
          goods_received_note_id: grn.id,
          medication_item_id: line.item.id,
          stock_batch_id: batch.id,
          quantity_received: line.qty,
          unit_cost: line.cost,
        };
        out.add('grn_items', grnItem);
        out.add('stock_movements', {
          ...this.std(receivedMs, grn.received_by),
          stock_batch_id: batch.id,
          medication_item_id: line.item.id,
          movement_type: 'receipt',
          quantity: line.qty,
          source_table: 'grn_items',
          source_id: grnItem.id,
          moved_by: grn.received_by,
        });
        const index = this.batches.length;
        this.batches.push({
          id: batch.id,
          item: this.itemByName.get(line.item.spec.name)!,
          expiryMs,
          remaining: line.qty,
        });
        line.item.batches.push(index);
        line.item.received += line.qty;
      }
    }
    for (const item of this.items)
      item.batches.sort((a, b) => this.batches[a]!.expiryMs - this.batches[b]!.expiryMs);
  }

  // ---------------------------------------------------------------- people

  person(gender: 'female' | 'male', minAge: number, maxAge: number, fixedPool?: NamePool): Person {
    const { rng } = this;
    const pool = fixedPool ?? rng.weighted(NAME_POOLS.map((p) => [p, p.weight] as const));
    const first = rng.pick(gender === 'female' ? pool.female : pool.male);
    let middle: string | null = null;
    if (rng.chance(0.15)) {
      const m = rng.pick(gender === 'female' ? pool.female : pool.male);
      if (m !== first) middle = m;
    }
    const ageDays = rng.int(Math.floor(minAge * 365.25), Math.floor((maxAge + 1) * 365.25) - 1);
    return { first, middle, last: rng.pick(pool.surnames), gender, dobMs: this.now - ageDays * DAY, pool };
  }

  phone(kind: NamePool['phone']): string {
    const { rng } = this;
    if (kind === 'gm')
      return `+220 ${rng.weighted([
        ['7', 60],
        ['3', 15],
        ['2', 12],
        ['5', 6],
        ['9', 7],
      ] as const)}${pad(rng.int(0, 999999), 6)}`;
    if (kind === 'uk') return `+44 7${pad(rng.int(0, 999999999), 9)}`;
    return `${PHONE_PREFIX[kind]} 7${pad(rng.int(0, 99999999), 8)}`;
  }

  /** Age band of a new patient: a young population, as in The Gambia. */
  patientPerson(ward: WardSpec | null): Person {
    const { rng } = this;
    if (ward) {
      switch (ward.type) {
        case 'maternity':
          return this.person('female', 17, 42);
        case 'paediatric':
          return this.person(rng.chance(0.5) ? 'female' : 'male', 0, 13);
        default:
          if (ward.code === 'MMW') return this.person('male', 18, 85);
          if (ward.code === 'FMW') return this.person('female', 18, 85);
          return this.person(rng.chance(0.5) ? 'female' : 'male', 5, 80);
      }
    }
    const gender = rng.chance(0.52) ? 'female' : 'male';
    const band = rng.weighted([
      ['child', 33],
      ['adult', 59],
      ['elder', 8],
    ] as const);
    if (band === 'child') return this.person(gender, 0, 14);
    if (band === 'adult') return this.person(gender, 15, 64);
    return this.person(gender, 65, 95);
  }

  // ---------------------------------------------------------------- patients

  *run(): Generator<SeedBatch> {
    yield* this.reference();
    const main = new Buffers();
    const deferred = new Buffers();
    for (let i = 0; i < this.patients; i++) {
      this.patient(i, main, deferred);
      if ((i + 1) % this.chunkPatients === 0) {
        this.flushTransfers(main);
        yield* main.drain(this.batchRows);
      }
    }
    this.flushTransfers(main);
    yield* main.drain(this.batchRows);
    yield* this.final(deferred);
  }

  patient(index: number, main: Buffers, deferred: Buffers): void {
    const { rng } = this;
    const bed = this.admitted.get(index) ?? null;
    const ward = bed ? WARDS[bed.ward]! : null;
    const prev = this.lastPatient;
    // A few duplicates: the same person registered twice (two PCs, offline), already merged.
    const duplicateOf = !bed && prev && rng.chance(0.003) ? prev : null;
    const person = duplicateOf ? duplicateOf.person : this.patientPerson(ward);
    const ageYears = (this.now - person.dobMs) / YEAR;
    const earliest = Math.max(person.dobMs + DAY, this.now - 5 * YEAR);
    const regMs = bed
      ? Math.min(this.now - 2 * DAY, earliest + rng.next() * (this.now - earliest))
      : earliest + rng.next() * (this.now - DAY - earliest);
    const receptionist = this.staffOf('receptionist').id;
    const gm = person.pool.phone === 'gm';
    const phone = ageYears < 16 && rng.chance(0.7) ? null : this.phone(person.pool.phone);
    let kinFirst = rng.pick(rng.chance(0.5) ? person.pool.female : person.pool.male);
    if (kinFirst === person.first)
      kinFirst = rng.pick(person.gender === 'female' ? person.pool.male : person.pool.female);
    const row = {
      ...this.std(regMs, receptionist),
      mrn: formatNumber('mrn', this.code, index + 1),
      first_name: person.first,
      middle_name: person.middle,
      last_name: person.last,
      date_of_birth: ymd(person.dobMs),
      gender: person.gender,
      phone,
      email:
        ageYears >= 18 && rng.chance(0.12)
          ? `${ascii(person.first)}.${ascii(person.last)}${rng.int(1, 999)}@${rng.pick(['gmail.com', 'yahoo.com', 'hotmail.com', 'qcell.gm'])}`
          : null,
      address: `${rng.chance(0.5) ? rng.pick(STREETS) : `Compound ${rng.int(1, 250)}`}, ${rng.pick(person.pool.places)}`,
      national_id: gm && ageYears >= 18 && rng.chance(0.6) ? pad(rng.int(0, 99999999), 8) : null,
      blood_group: rng.weighted(BLOOD_GROUPS),
      known_allergies: null as string | null,
      next_of_kin_name: `${kinFirst} ${rng.chance(0.7) ? person.last : rng.pick(person.pool.surnames)}`,
      next_of_kin_phone: this.phone(person.pool.phone),
      ward_id: bed ? this.wardIds[bed.ward]! : null,
      merged_into_id: duplicateOf ? duplicateOf.id : null,
      consent_sms: rng.chance(0.9),
      consent_email: rng.chance(0.6),
    };
    main.add('patients', row);
    if (duplicateOf) return;
    this.lastPatient = { id: row.id, person, index };

    const out = bed ? deferred : main;
    const ctx: PatientCtx = {
      id: row.id,
      person,
      ageYears,
      regMs,
      consentSms: row.consent_sms,
      out,
      primaryDoctor: this.staffOf('doctor').id,
      insuranceId: null,
      coverage: 0,
    };
    const allergies = this.history(ctx);
    if (allergies.length > 0) row.known_allergies = allergies.join(', ');
    this.visits(ctx);
    if (bed) this.inpatient(ctx, bed);
    else if (rng.chance(0.03)) this.pastAdmission(ctx);
  }

  history(ctx: PatientCtx): string[] {
    const { rng } = this;
    const { out, id, regMs, person, ageYears } = ctx;
    const doctor = ctx.primaryDoctor;
    if (rng.chance(0.65)) {
      out.add('patient_doctor_assignments', {
        ...this.std(regMs, doctor),
        patient_id: id,
        doctor_id: doctor,
        relationship: 'primary',
        started_on: ymd(regMs),
        ended_on: null,
        referral_source: null,
      });
    }
    if (rng.chance(0.2)) {
      const [provider, coverage] = rng.pick(INSURERS);
      const from = regMs + rng.int(0, 60) * DAY;
      const ins = {
        ...this.std(Math.min(from, this.now), this.staffOf('receptionist').id),
        patient_id: id,
        provider,
        policy_number: `${ascii(provider).slice(0, 4).toUpperCase()}-${pad(rng.int(0, 9999999), 7)}`,
        coverage_percent: coverage,
        valid_from: ymd(from),
        valid_until: ymd(from + 365 * DAY * rng.int(1, 3)),
        is_active: true,
      };
      ins.is_active = Date.parse(ins.valid_until) > this.now;
      out.add('insurance_details', ins);
      if (ins.is_active) {
        ctx.insuranceId = ins.id;
        ctx.coverage = coverage;
      }
    }
    const allergens: string[] = [];
    const nAllergies = rng.count(0.25, 3);
    for (let k = 0; k < nAllergies; k++) {
      const [allergen, reaction] = rng.pick(ALLERGENS);
      if (allergens.includes(allergen)) continue;
      allergens.push(allergen);
      out.add('allergies', {
        ...this.std(regMs, doctor),
        patient_id: id,
        allergen,
        reaction,
        severity:
          allergen === 'Ceftriaxone'
            ? 'life_threatening'
            : rng.weighted([
                ['mild', 50],
                ['moderate', 35],
                ['severe', 15],
              ] as const),
        noted_on: ymd(regMs),
      });
    }
    const nFamily = rng.count(0.35, 3);
    for (let k = 0; k < nFamily; k++) {
      out.add('family_histories', {
        ...this.std(regMs, doctor),
        patient_id: id,
        relation: rng.pick(RELATIONS),
        condition: rng.pick(FAMILY_CONDITIONS),
        notes: null,
      });
    }
    if (ageYears >= 16 && rng.chance(0.1)) {
      let procedure: string = rng.pick(SURGERIES);
      if (procedure === 'Caesarean section' && person.gender === 'male') procedure = 'Appendicectomy';
      if (procedure === 'Myomectomy' && person.gender === 'male') procedure = 'Inguinal hernia repair';
      const performed = person.dobMs + rng.next() * (regMs - person.dobMs - 15 * YEAR) + 15 * YEAR;
      out.add('surgical_histories', {
        ...this.std(regMs, doctor),
        patient_id: id,
        procedure,
        performed_on: ymd(Math.min(performed, regMs)),
        hospital: rng.pick(SURGERY_HOSPITALS),
        surgeon: null,
        notes: rng.chance(0.3) ? 'No complications reported' : null,
      });
    }
    this.vaccinations(ctx);
    return allergens;
  }

  vaccinations(ctx: PatientCtx): void {
    const { rng } = this;
    const { out, id, regMs, person, ageYears } = ctx;
    const given = (vaccine: string, dose: number, atMs: number, nextMs: number | null) => {
      if (atMs > this.now) return;
      const byUs = atMs >= regMs;
      out.add('vaccinations', {
        ...this.std(byUs ? atMs : regMs, byUs ? this.staffOf('nurse').id : null),
        patient_id: id,
        vaccine,
        dose_number: dose,
        administered_on: ymd(atMs),
        administered_by: byUs ? this.staffOf('nurse').id : null,
        batch_number: byUs ? `V${pad(rng.int(0, 99999), 5)}` : null,
        next_due_on: nextMs && nextMs > atMs ? ymd(nextMs) : null,
      });
    };
    if (ageYears < 6) {
      // The EPI schedule, as far as the child's age reaches (most children are fully vaccinated).
      const birth = person.dobMs;
      const w = 7 * DAY;
      const m = 30.4 * DAY;
      const schedule: [string, number, number][] = [
        ['BCG', 1, 0],
        ['OPV', 1, 0],
        ['OPV', 2, 8 * w],
        ['Pentavalent (DTP-HepB-Hib)', 1, 8 * w],
        ['PCV13', 1, 8 * w],
        ['Rotavirus', 1, 8 * w],
        ['OPV', 3, 12 * w],
        ['Pentavalent (DTP-HepB-Hib)', 2, 12 * w],
        ['PCV13', 2, 12 * w],
        ['Rotavirus', 2, 12 * w],
        ['OPV', 4, 16 * w],
        ['Pentavalent (DTP-HepB-Hib)', 3, 16 * w],
        ['PCV13', 3, 16 * w],
        ['Measles-Rubella', 1, 9 * m],
        ['Yellow fever', 1, 9 * m],
        ['Measles-Rubella', 2, 18 * m],
      ];
      const complete = rng.chance(0.88);
      for (let k = 0; k < schedule.length; k++) {
        const [vaccine, dose, offset] = schedule[k]!;
        if (!complete && rng.chance(0.25)) continue;
        const next = schedule.slice(k + 1).find(([v]) => v === vaccine);
        given(vaccine, dose, birth + offset + rng.int(0, 10) * DAY, next ? birth + next[2] : null);
      }
      return;
    }
    if (person.gender === 'female' && ageYears >= 15 && ageYears < 45 && rng.chance(0.4)) {
      const at = regMs + rng.next() * (this.now - regMs);
      given('Tetanus-diphtheria (Td)', 1, at, at + 28 * DAY);
      if (rng.chance(0.7)) given('Tetanus-diphtheria (Td)', 2, at + 28 * DAY, null);
    }
    if (ageYears >= 18 && rng.chance(0.25)) {
      const at = Date.parse('2021-06-01') + rng.int(0, 700) * DAY;
      given('COVID-19', 1, at, null);
      if (rng.chance(0.6)) given('COVID-19', 2, at + rng.int(28, 90) * DAY, null);
    }
    if (person.gender === 'female' && ageYears >= 9 && ageYears < 16 && rng.chance(0.5)) {
      given('HPV', 1, this.now - rng.int(30, 900) * DAY, null);
    }
  }

  presentationFor(ctx: PatientCtx): Presentation {
    const { ageYears, person } = ctx;
    const fits = (p: Presentation) => {
      switch (p.who) {
        case 'child':
          return ageYears < 15;
        case 'adult':
          return ageYears >= 18;
        case 'female_adult':
          return person.gender === 'female' && ageYears >= 16 && ageYears < 46;
        default:
          return true;
      }
    };
    for (;;) {
      const p = this.rng.weighted(PRESENTATIONS.map((x) => [x, x.weight] as const));
      if (fits(p)) return p;
    }
  }

  appointmentTime(): string {
    return `${pad(this.rng.int(8, 15), 2)}:${pad(this.rng.int(0, 3) * 15, 2)}`;
  }

  /** A working day at a clinic hour: weekends move to Monday. */
  clinicDay(ms: number): number {
    const d = new Date(ms);
    const dow = d.getUTCDay();
    const shift = dow === 6 ? 2 : dow === 0 ? 1 : 0;
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) + shift * DAY;
  }

  visits(ctx: PatientCtx): void {
    const { rng } = this;
    const { out, id, regMs } = ctx;
    const chronic: Set<string> = new Set();
    const nPast = 1 + rng.count(0.9, 6);
    const span = Math.max(DAY, this.now - regMs);
    const times = Array.from({ length: nPast }, (_, k) => (k === 0 ? regMs : regMs + rng.next() * span));
    // Today's clinic: a few patients were seen this morning or are waiting now.
    const today = Date.UTC(
      new Date(this.now).getUTCFullYear(),
      new Date(this.now).getUTCMonth(),
      new Date(this.now).getUTCDate(),
    );
    if (rng.chance(0.02) && today + 8 * HOUR < this.now && today > regMs) times.push(today + 8 * HOUR);
    times.sort((a, b) => a - b);
    for (const t of times) {
      const doctor = rng.chance(0.6) ? ctx.primaryDoctor : this.staffOf('doctor').id;
      const walkIn = rng.chance(0.15);
      let appointmentId: string | null = null;
      let visitMs = t;
      if (!walkIn) {
        const day = this.clinicDay(t);
        const lastHour = Math.max(8, new Date(this.now).getUTCHours() - 1);
        const time =
          ymd(day) === ymd(this.now)
            ? `${pad(rng.int(8, lastHour), 2)}:${pad(rng.int(0, 3) * 15, 2)}`
            : this.appointmentTime();
        const [hh, mm] = time.split(':').map(Number) as [number, number];
        visitMs = day + hh * HOUR + mm * MINUTE;
        const bookedMs = Math.max(regMs, visitMs - rng.int(1, 21) * DAY);
        const isToday = ymd(visitMs) === ymd(this.now);
        const future = visitMs > this.now;
        const status = future
          ? ('scheduled' as const)
          : isToday
            ? rng.pick(['checked_in', 'in_progress', 'completed'] as const)
            : rng.weighted([
                ['completed', 88],
                ['no_show', 6],
                ['cancelled', 6],
              ] as const);
        const appt = {
          ...this.std(bookedMs, this.staffOf('receptionist').id, Math.min(visitMs, this.now)),
          patient_id: id,
          doctor_id: doctor,
          date: ymd(visitMs),
          time,
          duration_minutes: rng.pick([15, 15, 15, 20, 30]),
          status,
          reason: null as string | null,
          notes: null,
          queue_number:
            status === 'scheduled' || status === 'cancelled' || status === 'no_show'
              ? null
              : queueTicket(this.code, rng.int(1, 40)),
          checked_in_at:
            status === 'scheduled' || status === 'cancelled' || status === 'no_show'
              ? null
              : iso(visitMs - rng.int(5, 60) * MINUTE),
          completed_at: status === 'completed' ? iso(visitMs + rng.int(10, 40) * MINUTE) : null,
        };
        out.add('appointments', appt);
        appointmentId = appt.id;
        if (ctx.consentSms && visitMs - DAY > bookedMs) {
          const sent = visitMs - DAY <= this.now && status !== 'cancelled';
          out.add('appointment_notifications', {
            ...this.std(bookedMs, null, sent ? visitMs - DAY : bookedMs),
            appointment_id: appt.id,
            notification_type: 'reminder',
            channel: 'sms',
            status: status === 'cancelled' ? 'cancelled' : sent ? 'sent' : 'pending',
            scheduled_for: iso(visitMs - DAY),
            sent_at: sent ? iso(visitMs - DAY + rng.int(0, 120) * 1000) : null,
            attempts: sent ? 1 : 0,
            next_attempt_at: null,
            error_message: null,
            provider_message_id: sent ? `SM${pad(rng.int(0, 99999999), 8)}` : null,
          });
        }
        if (status !== 'completed' && status !== 'in_progress') {
          const p = this.presentationFor(ctx);
          appt.reason = p.complaint;
          continue;
        }
      }
      const p = this.presentationFor(ctx);
      this.encounter(ctx, p, visitMs, doctor, appointmentId, null, walkIn ? 'emergency' : 'outpatient');
      if (p.chronic && !chronic.has(p.diagnosis)) {
        chronic.add(p.diagnosis);
        out.add('medical_conditions', {
          ...this.std(visitMs, doctor),
          patient_id: id,
          condition: p.diagnosis.replace(', controlled', ''),
          icd10_code: p.icd10,
          diagnosed_on: ymd(visitMs),
          status: 'active',
          notes: null,
        });
      }
    }
    // Upcoming appointments: a follow-up for about a quarter of the patients.
    if (rng.chance(0.25)) {
      const day = this.clinicDay(this.now + rng.int(1, 60) * DAY);
      const time = this.appointmentTime();
      const [hh, mm] = time.split(':').map(Number) as [number, number];
      const visitMs = day + hh * HOUR + mm * MINUTE;
      const bookedMs = this.now - rng.int(0, 30) * DAY;
      const appt = {
        ...this.std(Math.max(bookedMs, regMs), this.staffOf('receptionist').id),
        patient_id: id,
        doctor_id: ctx.primaryDoctor,
        date: ymd(visitMs),
        time,
        duration_minutes: 15,
        status: 'scheduled' as const,
        reason: rng.pick([
          'Follow-up',
          'Review of results',
          'Blood pressure check',
          'Antenatal visit',
          'Medication refill',
        ]),
        notes: null,
        queue_number: null,
        checked_in_at: null,
        completed_at: null,
      };
      out.add('appointments', appt);
      if (ctx.consentSms) {
        out.add('appointment_notifications', {
          ...this.std(Math.max(bookedMs, regMs), null),
          appointment_id: appt.id,
          notification_type: 'reminder',
          channel: 'sms',
          status: 'pending',
          scheduled_for: iso(visitMs - DAY),
          sent_at: null,
          attempts: 0,
          next_attempt_at: null,
          error_message: null,
          provider_message_id: null,
        });
      }
    }
    if (rng.chance(0.02)) {
      out.add('referrals', {
        ...this.std(this.now - rng.int(1, 200) * DAY, ctx.primaryDoctor),
        patient_id: id,
        referring_doctor_id: ctx.primaryDoctor,
        referring_doctor_details: null,
        referred_to_doctor_id: null,
        referred_to_details: rng.pick([
          'Edward Francis Small Teaching Hospital, Banjul — cardiology',
          'Sheikh Zayed Regional Eye Care Centre',
          'MRC Unit The Gambia, Fajara — specialist clinic',
          'Bansang Hospital — surgery',
        ]),
        reason: rng.pick([
          'Specialist opinion',
          'Echocardiography',
          'Ophthalmology review',
          'Surgical assessment',
        ]),
        status: rng.pick(['pending', 'accepted', 'completed'] as const),
        notes: null,
      });
    }
  }

  encounter(
    ctx: PatientCtx,
    p: Presentation,
    atMs: number,
    doctor: string,
    appointmentId: string | null,
    admissionId: string | null,
    type: 'outpatient' | 'inpatient' | 'emergency',
  ): string {
    const { rng } = this;
    const { out, id } = ctx;
    const open =
      this.now - atMs < 12 * HOUR ||
      (admissionId !== null &&
        type === 'inpatient' &&
        atMs > this.now - 30 * DAY &&
        ctx.stillAdmitted === true);
    const enc = {
      ...this.std(atMs, doctor, open ? atMs : atMs + rng.int(20, 90) * MINUTE),
      patient_id: id,
      appointment_id: appointmentId,
      admission_id: admissionId,
      doctor_id: doctor,
      encounter_type: type,
      chief_complaint: p.complaint,
      notes: `${p.complaint}. On examination: ${rng.pick(['alert, not in distress', 'febrile, mildly dehydrated', 'comfortable at rest', 'pale, tachycardic', 'unwell-looking'])}. Assessment: ${p.diagnosis}.`,
      diagnosis: p.diagnosis,
      icd10_code: p.icd10,
      status: open ? ('open' as const) : ('closed' as const),
    };
    out.add('encounters', enc);
    const nurse = this.staffOf('nurse').id;
    const sick = p.diagnosis.includes('Severe') || p.diagnosis.includes('pneumonia') || type !== 'outpatient';
    this.vital(ctx, enc.id, atMs - rng.int(5, 30) * MINUTE, nurse, sick || p.diagnosis.includes('malaria'));
    // A second set for about half the visits: a BP recheck, observations after treatment.
    const recheckMs = atMs + rng.int(30, 120) * MINUTE;
    if (rng.chance(0.5) && recheckMs < this.now)
      this.vital(ctx, enc.id, recheckMs, nurse, sick && rng.chance(0.5));
    if (rng.chance(0.6)) {
      out.add('clinical_notes', {
        ...this.std(atMs + 15 * MINUTE, doctor),
        patient_id: id,
        encounter_id: enc.id,
        author_id: doctor,
        note_type: 'progress',
        body: `Seen for ${p.complaint.toLowerCase()}. Impression: ${p.diagnosis}. Plan: ${p.drugs.length > 0 ? p.drugs.join(', ') : 'advice and review'}${p.labs.length > 0 ? `; labs ${p.labs.join(', ')}` : ''}.`,
        amends_id: null,
      });
    }

    const billLines: { service: string | null; description: string; qty: number; price: number }[] = [];
    const consult = type === 'emergency' ? 'CONS-EMER' : p.icd10 === 'Z34.9' ? 'CONS-ANC' : 'CONS-GP';
    if (type !== 'inpatient')
      billLines.push({
        service: consult,
        description: this.serviceName(consult),
        qty: 1,
        price: this.serviceIds.get(consult)!.price,
      });

    for (const code of p.labs) {
      if (!rng.chance(0.8)) continue;
      const test = this.labByCode.get(code)!;
      this.labOrder(ctx, enc.id, test, atMs, doctor, p);
      const svc = this.serviceIds.get(`LAB-${code}`)!;
      billLines.push({ service: `LAB-${code}`, description: test.name, qty: 1, price: svc.price });
    }
    for (const drugName of p.drugs) {
      if (!rng.chance(0.85)) continue;
      const line = this.prescription(ctx, enc.id, drugName, atMs, doctor);
      if (line) billLines.push(line);
    }
    if (billLines.length > 0 && rng.chance(0.92))
      this.bill(ctx, enc.id, Math.min(this.now, atMs + 45 * MINUTE), billLines);
    return enc.id;
  }

  serviceName(code: string): string {
    return SERVICES.find(([c]) => c === code)?.[1] ?? code;
  }

  vital(ctx: PatientCtx, encounterId: string | null, atMs: number, nurse: string, febrile: boolean): void {
    const { rng } = this;
    const child = ctx.ageYears < 12;
    const adult = ctx.ageYears >= 16;
    const temp = febrile ? rng.real(37.6, 40.2, 1) : rng.real(36.1, 37.4, 1);
    const hypertensive = adult && rng.chance(0.2);
    const weight = child
      ? Math.round((3.5 + ctx.ageYears * 2.6 + rng.real(-1, 1.5, 1)) * 10) / 10
      : rng.real(45, 95, 1);
    ctx.out.add('vitals', {
      ...this.std(atMs, nurse),
      patient_id: ctx.id,
      encounter_id: encounterId,
      recorded_at: iso(atMs),
      recorded_by: nurse,
      systolic_bp: adult
        ? hypertensive
          ? rng.int(145, 190)
          : rng.int(100, 139)
        : child
          ? null
          : rng.int(95, 125),
      diastolic_bp: adult
        ? hypertensive
          ? rng.int(92, 115)
          : rng.int(60, 89)
        : child
          ? null
          : rng.int(55, 80),
      heart_rate: child ? rng.int(85, 150) : rng.int(58, febrile ? 120 : 100),
      respiratory_rate: child ? rng.int(20, 45) : rng.int(12, 24),
      temperature_c: temp,
      oxygen_saturation: rng.chance(0.05) ? rng.int(84, 93) : rng.int(94, 100),
      height_cm: child
        ? Math.round(50 + ctx.ageYears * 6.5 + rng.int(-5, 5))
        : adult && rng.chance(0.5)
          ? rng.int(150, 190)
          : null,
      weight_kg: weight,
      pain_score: rng.chance(0.5) ? rng.int(0, 8) : null,
      amends_id: null,
    });
  }

  labOrder(
    ctx: PatientCtx,
    encounterId: string,
    test: (typeof LAB_TESTS)[number],
    atMs: number,
    doctor: string,
    p: Presentation,
  ): void {
    const { rng } = this;
    const { out, id } = ctx;
    const age = this.now - atMs;
    const status =
      age < 2 * HOUR
        ? rng.pick(['ordered', 'collected'] as const)
        : age < 12 * HOUR
          ? rng.pick(['in_progress', 'resulted'] as const)
          : rng.weighted([
              ['reviewed', 70],
              ['resulted', 25],
              ['cancelled', 5],
            ] as const);
    const collected =
      status === 'ordered' || status === 'cancelled'
        ? null
        : Math.min(this.now, atMs + rng.int(10, 60) * MINUTE);
    const reviewed = status === 'reviewed' ? Math.min(this.now, atMs + rng.int(3, 30) * HOUR) : null;
    const order = {
      ...this.std(atMs, doctor, reviewed ?? collected ?? atMs),
      patient_id: id,
      encounter_id: encounterId,
      ordered_by: doctor,
      test_name: test.name,
      test_code: test.code,
      priority: p.diagnosis.includes('Severe')
        ? ('stat' as const)
        : rng.weighted([
            ['routine', 85],
            ['urgent', 15],
          ] as const),
      status,
      clinical_notes: `? ${p.diagnosis}`,
      collected_at: collected ? iso(collected) : null,
      reviewed_by: reviewed ? doctor : null,
      reviewed_at: reviewed ? iso(reviewed) : null,
    };
    out.add('lab_orders', order);
    if (status !== 'resulted' && status !== 'reviewed') return;
    const tech = this.staffOf('lab_technician').id;
    const resultedMs = Math.min(this.now, (collected ?? atMs) + rng.int(30, 180) * MINUTE);
    for (const a of test.analytes) {
      const [value, flag] = this.result(a, p);
      out.add('lab_results', {
        ...this.std(resultedMs, tech),
        lab_order_id: order.id,
        patient_id: id,
        analyte: a.analyte,
        value,
        unit: a.unit,
        reference_range: a.range,
        flag,
        resulted_by: tech,
        resulted_at: iso(resultedMs),
        amends_id: null,
      });
      if (flag === 'critical_low' || flag === 'critical_high') {
        out.add('notifications', {
          ...this.std(resultedMs + MINUTE, null, reviewed ?? resultedMs + MINUTE),
          user_id: doctor,
          title: `Critical result: ${a.analyte}`,
          message: `${a.analyte} ${value}${a.unit ? ` ${a.unit}` : ''} (${flag.replace('_', ' ')}) for a patient of yours.`,
          notification_type: 'critical_lab',
          is_read: reviewed !== null,
          related_table: 'lab_orders',
          related_id: order.id,
        });
      }
    }
  }

  result(
    a: LabAnalyte,
    p: Presentation,
  ): [string, 'normal' | 'low' | 'high' | 'critical_low' | 'critical_high' | 'abnormal'] {
    const { rng } = this;
    if (a.kind === 'posneg') {
      const positiveChance = a.analyte.startsWith('P. falciparum')
        ? p.diagnosis.includes('malaria')
          ? 0.9
          : 0.1
        : a.analyte.startsWith('S. typhi')
          ? p.diagnosis.includes('Typhoid')
            ? 0.6
            : 0.05
          : a.analyte.startsWith('Sickle')
            ? p.diagnosis.includes('Sickle')
              ? 1
              : 0.1
            : a.analyte.startsWith('HIV')
              ? 0.02
              : a.analyte.includes('nitrites')
                ? p.diagnosis.includes('Urinary')
                  ? 0.7
                  : 0.05
                : 0.08;
      const positive = rng.chance(positiveChance);
      if (a.analyte.startsWith('HIV'))
        return [positive ? 'Reactive' : 'Non-reactive', positive ? 'abnormal' : 'normal'];
      if (a.analyte.startsWith('S. typhi'))
        return [positive ? '1:160' : '1:40', positive ? 'abnormal' : 'normal'];
      return [positive ? 'Positive' : 'Negative', positive ? 'abnormal' : 'normal'];
    }
    let mean = a.mean ?? 0;
    const sd = a.sd ?? 1;
    if (
      a.analyte === 'Haemoglobin' &&
      (p.diagnosis.includes('anaemia') || p.diagnosis.includes('Sickle') || p.diagnosis.includes('Severe'))
    )
      mean -= 3.5;
    if (a.analyte === 'Glucose' && p.diagnosis.includes('diabetes')) mean += 6;
    if (
      a.analyte === 'White cell count' &&
      (p.diagnosis.includes('pneumonia') || p.diagnosis.includes('Cellulitis'))
    )
      mean += 6;
    // Box-Muller from two uniforms: a plausible spread with the occasional extreme value.
    const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const decimals = a.decimals ?? 1;
    const f = 10 ** decimals;
    const v = Math.max(0, Math.round((mean + z * sd) * f) / f);
    const text = v.toFixed(decimals);
    if (a.criticalLow !== undefined && v < a.criticalLow) return [text, 'critical_low'];
    if (a.criticalHigh !== undefined && v > a.criticalHigh) return [text, 'critical_high'];
    if (a.low !== undefined && v < a.low) return [text, 'low'];
    if (a.high !== undefined && v > a.high) return [text, 'high'];
    return [text, 'normal'];
  }

  prescription(
    ctx: PatientCtx,
    encounterId: string,
    drugName: string,
    atMs: number,
    doctor: string,
  ): { service: null; description: string; qty: number; price: number } | null {
    const { rng } = this;
    const { out, id } = ctx;
    const itemIndex = this.itemByName.get(drugName);
    if (itemIndex === undefined) throw new Error(`unknown drug in vocabulary: ${drugName}`);
    const item = this.items[itemIndex]!;
    const spec = item.spec;
    const quantity = Math.max(1, Math.ceil(spec.perDay * spec.days));
    const recent = this.now - atMs < DAY;
    const status = recent
      ? rng.pick(['active', 'dispensed'] as const)
      : rng.weighted([
          ['completed', 55],
          ['dispensed', 25],
          ['partially_dispensed', 5],
          ['active', 5],
          ['cancelled', 10],
        ] as const);
    const rx = {
      ...this.std(atMs + 20 * MINUTE, doctor),
      patient_id: id,
      encounter_id: encounterId,
      prescriber_id: doctor,
      medication_item_id: item.id,
      medication_name: spec.name,
      dosage: spec.dosage,
      frequency: spec.frequency,
      route: spec.route,
      duration_days: spec.days,
      quantity,
      instructions: rng.pick([null, 'Take after food', 'Complete the full course', 'Drink plenty of water']),
      status,
    };
    out.add('prescriptions', rx);
    if (status === 'active' || status === 'cancelled') return null;
    const dispensed = status === 'partially_dispensed' ? Math.max(1, Math.floor(quantity / 2)) : quantity;
    const dispensedMs = Math.min(this.now, atMs + rng.int(30, 120) * MINUTE);
    const batch = this.takeStock(item, dispensed, dispensedMs);
    const pharmacist = this.staffOf('pharmacist').id;
    const log = {
      ...this.std(dispensedMs, pharmacist),
      prescription_id: rx.id,
      patient_id: id,
      medication_item_id: item.id,
      stock_batch_id: batch.id,
      quantity: dispensed,
      dispensed_by: pharmacist,
      dispensed_at: iso(dispensedMs),
      notes: null,
    };
    out.add('dispensing_logs', log);
    out.add('stock_movements', {
      ...this.std(dispensedMs, pharmacist),
      stock_batch_id: batch.id,
      medication_item_id: item.id,
      movement_type: 'dispense',
      quantity: -dispensed,
      source_table: 'dispensing_logs',
      source_id: log.id,
      moved_by: pharmacist,
    });
    return { service: null, description: `${spec.name} × ${dispensed}`, qty: dispensed, price: spec.price };
  }

  /** FEFO: the batch expiring first that was in date when dispensed and still has enough; tops up
   * from the central medical store (a `transfer` in) when the hospital's stock would run out. */
  takeStock(item: Item, qty: number, atMs: number): Batch {
    let chosen: Batch | undefined;
    for (const bi of item.batches) {
      const b = this.batches[bi]!;
      if (b.expiryMs > atMs && b.remaining >= qty) {
        chosen = b;
        break;
      }
    }
    if (!chosen) {
      chosen = this.batches[item.batches[item.batches.length - 1]!]!;
      const top = Math.max(qty * 20, 500);
      chosen.remaining += top;
      this.pendingTransfers.push({ batch: chosen, qty: top, atMs });
    }
    chosen.remaining -= qty;
    return chosen;
  }

  pendingTransfers: { batch: Batch; qty: number; atMs: number }[] = [];

  flushTransfers(out: Buffers): void {
    for (const t of this.pendingTransfers) {
      const pharmacist = this.staffOf('pharmacist').id;
      out.add('stock_movements', {
        ...this.std(t.atMs - HOUR, pharmacist),
        stock_batch_id: t.batch.id,
        medication_item_id: this.items[t.batch.item]!.id,
        movement_type: 'transfer',
        quantity: t.qty,
        source_table: null,
        source_id: null,
        moved_by: pharmacist,
      });
    }
    this.pendingTransfers = [];
  }

  bill(
    ctx: PatientCtx,
    encounterId: string,
    atMs: number,
    lines: { service: string | null; description: string; qty: number; price: number }[],
  ): void {
    const { rng } = this;
    const { out, id } = ctx;
    const cashier = this.staffOf('receptionist').id;
    const total = lines.reduce((sum, l) => sum + l.qty * l.price, 0);
    this.billCounter++;
    const insured = ctx.insuranceId !== null;
    const old = this.now - atMs > 3 * DAY;
    const outcome: 'paid' | 'partial' | 'unpaid' =
      total === 0
        ? 'paid'
        : old
          ? rng.weighted([
              ['paid', 85],
              ['partial', 8],
              ['unpaid', 7],
            ] as const)
          : rng.weighted([
              ['paid', 55],
              ['partial', 15],
              ['unpaid', 30],
            ] as const);
    const bill = {
      ...this.std(atMs, cashier),
      bill_number: formatNumber('bill', this.code, this.billCounter),
      patient_id: id,
      encounter_id: encounterId,
      insurance_id: ctx.insuranceId,
      issued_at: iso(atMs),
      due_date: ymd(atMs + 30 * DAY),
      // Paid or not is derived from the payments below (db/derived/billing.ts).
      status: 'issued' as const,
      notes: null,
    };
    out.add('bills', bill);
    for (const l of lines) {
      out.add('bill_items', {
        ...this.std(atMs, cashier),
        bill_id: bill.id,
        service_catalog_item_id: l.service ? this.serviceIds.get(l.service)!.id : null,
        description: l.description,
        quantity: l.qty,
        unit_price: l.price,
      });
    }
    if (total === 0 || outcome === 'unpaid') return;
    let due = outcome === 'paid' ? total : Math.max(1, Math.floor(total * rng.real(0.2, 0.8, 2)));
    const payMs = Math.min(this.now, atMs + rng.int(5, 60) * MINUTE);
    if (insured && ctx.coverage > 0) {
      const covered = Math.min(due, Math.floor((total * ctx.coverage) / 100));
      const claimMs = Math.min(this.now, payMs + rng.int(3, 40) * DAY);
      if (covered > 0) {
        out.add('payments', {
          ...this.std(claimMs, cashier),
          bill_id: bill.id,
          amount: covered,
          method: 'insurance',
          reference: `CLM-${pad(rng.int(0, 9999999), 7)}`,
          receipt_number: formatNumber('receipt', this.code, ++this.receiptCounter),
          received_by: cashier,
          paid_at: iso(claimMs),
          amends_id: null,
        });
        due -= covered;
      }
    }
    if (due <= 0) return;
    const method = rng.weighted([
      ['cash', 62],
      ['mobile_money', 28],
      ['card', 6],
      ['bank_transfer', 4],
    ] as const);
    out.add('payments', {
      ...this.std(payMs, cashier),
      bill_id: bill.id,
      amount: due,
      method,
      reference:
        method === 'mobile_money'
          ? `${rng.pick(['WAVE', 'QMONEY', 'AFRIMONEY'])}-${pad(rng.int(0, 99999999), 8)}`
          : method === 'cash'
            ? null
            : `TX${pad(rng.int(0, 9999999), 7)}`,
      receipt_number: formatNumber('receipt', this.code, ++this.receiptCounter),
      received_by: cashier,
      paid_at: iso(payMs),
      amends_id: null,
    });
  }

  admissionPresentation(ward: WardSpec): Presentation {
    const byDiagnosis = (d: string) => PRESENTATIONS.find((p) => p.diagnosis === d)!;
    switch (ward.type) {
      case 'maternity':
        return {
          complaint: 'Labour pains since the morning',
          diagnosis: this.rng.pick([
            'Spontaneous vaginal delivery',
            'Pre-eclampsia',
            'Post-partum haemorrhage',
            'Prolonged labour',
          ]),
          icd10: 'O80',
          drugs: ['Paracetamol 500mg', 'Ferrous sulfate 200mg'],
          labs: ['FBC'],
          weight: 1,
        };
      case 'surgical':
        return {
          complaint: this.rng.pick([
            'Right iliac fossa pain',
            'Painful groin swelling',
            'Road traffic accident, leg injury',
          ]),
          diagnosis: this.rng.pick([
            'Acute appendicitis',
            'Incarcerated inguinal hernia',
            'Closed tibial fracture',
          ]),
          icd10: 'K35.8',
          drugs: ['Ceftriaxone 1g injection', 'Metronidazole 400mg', 'Diclofenac 50mg'],
          labs: ['FBC', 'UE'],
          weight: 1,
        };
      case 'paediatric':
        return this.rng.pick([
          byDiagnosis('Severe malaria'),
          byDiagnosis('Community-acquired pneumonia'),
          byDiagnosis('Acute gastroenteritis'),
        ]);
      case 'icu':
      case 'emergency':
        return this.rng.pick([
          byDiagnosis('Severe malaria'),
          byDiagnosis('Community-acquired pneumonia'),
          byDiagnosis('Sickle cell crisis'),
        ]);
      case 'isolation':
        return {
          complaint: 'Cough for 3 weeks, night sweats, weight loss',
          diagnosis: 'Suspected pulmonary tuberculosis',
          icd10: 'A15.0',
          drugs: ['Paracetamol 500mg'],
          labs: ['FBC', 'HIV'],
          weight: 1,
        };
      default:
        return this.rng.pick([
          byDiagnosis('Severe malaria'),
          byDiagnosis('Community-acquired pneumonia'),
          byDiagnosis('Typhoid fever'),
          byDiagnosis('Type 2 diabetes mellitus'),
          byDiagnosis('Essential hypertension'),
        ]);
    }
  }

  /** A current inpatient: admission in their bed, an open inpatient encounter, observations, notes, tasks. */
  inpatient(ctx: PatientCtx, bed: Bed): void {
    const { rng } = this;
    const ward = WARDS[bed.ward]!;
    const admittedMs = Math.max(ctx.regMs + HOUR, this.now - rng.int(2, 14 * 24) * HOUR);
    const doctor = this.staffOf('doctor').id;
    this.occupants.set(bed.id, ctx.id);
    const p = this.admissionPresentation(ward);
    const admission = {
      ...this.std(admittedMs, this.staffOf('nurse').id),
      patient_id: ctx.id,
      ward_id: this.wardIds[bed.ward]!,
      bed_id: bed.id,
      admitted_at: iso(admittedMs),
      discharged_at: null,
      reason: p.diagnosis,
      attending_doctor_id: doctor,
      status: 'admitted' as const,
    };
    ctx.out.add('admissions', admission);
    ctx.stillAdmitted = true;
    const encId = this.encounter(ctx, p, admittedMs, doctor, null, admission.id, 'inpatient');
    const rounds = Math.min(18, Math.floor((this.now - admittedMs) / (8 * HOUR)));
    for (let k = 1; k <= rounds; k++) {
      const at = admittedMs + k * 8 * HOUR + rng.int(-30, 30) * MINUTE;
      const nurse = this.staffOf('nurse').id;
      this.vital(ctx, encId, at, nurse, k < 4 && rng.chance(0.5));
      if (k % 2 === 0) {
        ctx.out.add('clinical_notes', {
          ...this.std(at + 10 * MINUTE, nurse),
          patient_id: ctx.id,
          encounter_id: encId,
          author_id: nurse,
          note_type: rng.chance(0.7) ? 'nursing' : 'handover',
          body: rng.pick([
            'Comfortable overnight, observations stable.',
            'Took oral fluids well. IV line patent.',
            'Febrile in the evening, paracetamol given, doctor informed.',
            'Mobilising with help. Family visited.',
            'Pain controlled. Slept well.',
          ]),
          amends_id: null,
        });
      }
    }
    const nTasks = 1 + rng.count(1, 3);
    for (let k = 0; k < nTasks; k++) {
      const due = this.now + rng.int(-6, 24) * HOUR;
      const done = due < this.now && rng.chance(0.6);
      ctx.out.add('tasks', {
        ...this.std(this.now - rng.int(1, 24) * HOUR, doctor),
        assigned_to: this.staffOf('nurse').id,
        patient_id: ctx.id,
        title: rng.pick([
          '4-hourly observations',
          'Give IV antibiotics',
          'Check blood glucose',
          'Fluid balance chart',
          'Prepare for discharge',
          'Collect blood sample for FBC',
          'Wound dressing',
        ]),
        description: null,
        priority: rng.weighted([
          ['normal', 60],
          ['high', 30],
          ['critical', 5],
          ['low', 5],
        ] as const),
        status: done ? 'done' : rng.chance(0.2) ? 'in_progress' : 'open',
        due_at: iso(due),
        completed_at: done ? iso(due + rng.int(0, 60) * MINUTE) : null,
      });
    }
  }

  /** A past stay, discharged: bed history in a bed that is vacant today. */
  pastAdmission(ctx: PatientCtx): void {
    const { rng } = this;
    const candidates = WARDS.map((w, i) => [w, i] as const).filter(([w]) => {
      if (w.type === 'maternity')
        return ctx.person.gender === 'female' && ctx.ageYears >= 17 && ctx.ageYears < 46;
      if (w.type === 'paediatric') return ctx.ageYears < 14;
      if (w.code === 'MMW') return ctx.person.gender === 'male' && ctx.ageYears >= 14;
      if (w.code === 'FMW') return ctx.person.gender === 'female' && ctx.ageYears >= 14;
      return true;
    });
    const [ward, wi] = rng.pick(candidates);
    const span = this.now - 3 * DAY - ctx.regMs;
    if (span < DAY) return;
    const admittedMs = ctx.regMs + rng.next() * span;
    const dischargedMs = Math.min(this.now - DAY, admittedMs + rng.int(1, 10) * DAY);
    const doctor = this.staffOf('doctor').id;
    const p = this.admissionPresentation(ward);
    const beds = this.vacantBeds[wi]!;
    const admission = {
      ...this.std(admittedMs, this.staffOf('nurse').id, dischargedMs),
      patient_id: ctx.id,
      ward_id: this.wardIds[wi]!,
      bed_id: beds.length > 0 ? rng.pick(beds).id : null,
      admitted_at: iso(admittedMs),
      discharged_at: iso(dischargedMs),
      reason: p.diagnosis,
      attending_doctor_id: doctor,
      status: 'discharged' as const,
    };
    ctx.out.add('admissions', admission);
    const encId = this.encounter(ctx, p, admittedMs, doctor, null, admission.id, 'inpatient');
    ctx.out.add('clinical_notes', {
      ...this.std(dischargedMs, doctor),
      patient_id: ctx.id,
      encounter_id: encId,
      author_id: doctor,
      note_type: 'discharge',
      body: `Admitted with ${p.diagnosis.toLowerCase()}. Improved on treatment. Discharged home; review in clinic in two weeks.`,
      amends_id: null,
    });
  }

  /** Occupied beds (they point at their patients), the inpatients' charts, then stock housekeeping. */
  *final(deferred: Buffers): Generator<SeedBatch> {
    const out = new Buffers();
    for (const [, bed] of this.admitted) {
      // Each bed's occupant is the patient whose admission row names it.
      const admission = this.occupants.get(bed.id) ?? null;
      out.add('beds', this.bedRow(bed, admission));
    }
    out.absorb(deferred);
    this.flushTransfers(out);
    // Batches that expired with stock left are written off, as a pharmacist would.
    const pharmacist = this.staff.pharmacist[0]!.id;
    for (const b of this.batches) {
      if (b.expiryMs > this.now || b.remaining <= 0) continue;
      const item = this.items[b.item]!;
      const atMs = b.expiryMs + 2 * DAY;
      const adj = {
        ...this.std(Math.min(atMs, this.now), pharmacist),
        medication_item_id: item.id,
        stock_batch_id: b.id,
        adjustment_type: 'expired' as const,
        quantity: -b.remaining,
        reason: 'Expired stock removed from the shelf and quarantined for destruction',
        adjusted_by: pharmacist,
      };
      out.add('stock_adjustments', adj);
      out.add('stock_movements', {
        ...this.std(Math.min(atMs, this.now), pharmacist),
        stock_batch_id: b.id,
        medication_item_id: item.id,
        movement_type: 'adjustment',
        quantity: -b.remaining,
        source_table: 'stock_adjustments',
        source_id: adj.id,
        moved_by: pharmacist,
      });
      b.remaining = 0;
    }
    // Low-stock and near-expiry alerts for the pharmacists.
    for (const item of this.items) {
      const onHand = item.batches.reduce((sum, bi) => sum + this.batches[bi]!.remaining, 0);
      const soon = item.batches
        .map((bi) => this.batches[bi]!)
        .find((b) => b.remaining > 0 && b.expiryMs > this.now && b.expiryMs < this.now + 90 * DAY);
      for (const ph of this.staff.pharmacist) {
        if (onHand < item.received * 0.05) {
          out.add('notifications', {
            ...this.std(this.now - HOUR, null),
            user_id: ph.id,
            title: `Low stock: ${item.spec.name}`,
            message: `${onHand} ${item.spec.unit}(s) on hand.`,
            notification_type: 'low_stock',
            is_read: false,
            related_table: 'medication_items',
            related_id: item.id,
          });
        }
        if (soon) {
          out.add('notifications', {
            ...this.std(this.now - 2 * HOUR, null),
            user_id: ph.id,
            title: `Expiring soon: ${item.spec.name}`,
            message: `A batch expires on ${ymd(soon.expiryMs)} with ${soon.remaining} left.`,
            notification_type: 'expiry',
            is_read: false,
            related_table: 'stock_batches',
            related_id: soon.id,
          });
        }
      }
    }
    yield* out.drain(this.batchRows);
  }

  /** Bed id → patient id, filled as inpatients are generated. */
  readonly occupants = new Map<string, string>();
}

interface PatientCtx {
  id: string;
  person: Person;
  ageYears: number;
  regMs: number;
  consentSms: boolean;
  out: Buffers;
  primaryDoctor: string;
  insuranceId: string | null;
  coverage: number;
  stillAdmitted?: boolean;
}

/**
 * Streams the demo hospital as `{table, rows}` batches in foreign-key-safe order. Insert them in
 * the order given and every reference resolves.
 */
export function* generateHospital(options: GenerateOptions = {}): Generator<SeedBatch> {
  const h = new Hospital(options);
  yield* h.run();
}
