/**
 * Pharmacy: catalogue, procurement and stock. Stock is a ledger (DESIGN.md §3): quantity on hand of
 * a batch is the sum of its `stock_movements`; nothing stores a running total that two offline
 * counters could both overwrite.
 */
import { c, syncedTable } from './dsl.ts';

export const suppliers = syncedTable('suppliers', {
  name: c.text().notNull().unique(),
  contact_person: c.text(),
  phone: c.text(),
  email: c.text(),
  address: c.text(),
  is_active: c.bool().notNull().default(true),
});

export const medication_categories = syncedTable('medication_categories', {
  name: c.text().notNull().unique(),
  description: c.text(),
});

export const medication_items = syncedTable(
  'medication_items',
  {
    name: c.text().notNull().unique(),
    generic_name: c.text(),
    category_id: c.uuid().notNull().references('medication_categories'),
    default_supplier_id: c.uuid().references('suppliers'),
    strength: c.text().notNull(),
    form: c
      .enum([
        'tablet',
        'capsule',
        'syrup',
        'suspension',
        'injection',
        'cream',
        'ointment',
        'drops',
        'inhaler',
        'other',
      ])
      .notNull(),
    unit: c.text().notNull().default('tablet'),
    barcode: c.text().unique(),
    requires_prescription: c.bool().notNull().default(true),
    reorder_level: c.int().notNull().default(10).nonNegative(),
    unit_price: c.money().notNull().nonNegative(),
    is_active: c.bool().notNull().default(true),
  },
  { indexes: [['category_id'], ['generic_name']] },
);

export const stock_batches = syncedTable(
  'stock_batches',
  {
    medication_item_id: c.uuid().notNull().references('medication_items'),
    batch_number: c.text().notNull(),
    expiry_date: c.date().notNull(),
    supplier_id: c.uuid().references('suppliers'),
    cost_price: c.money().nonNegative(),
    received_on: c.date(),
    barcode: c.text(),
  },
  { uniques: [['medication_item_id', 'batch_number']], indexes: [['expiry_date']] },
);

/** The ledger. `quantity` is signed: receipts and returns add, dispenses and write-offs subtract. */
export const stock_movements = syncedTable(
  'stock_movements',
  {
    stock_batch_id: c.uuid().notNull().references('stock_batches'),
    medication_item_id: c.uuid().notNull().references('medication_items'),
    movement_type: c.enum(['receipt', 'dispense', 'adjustment', 'return', 'transfer']).notNull(),
    quantity: c.int().notNull(),
    /** The row that caused this movement (a dispensing log, GRN item or stock adjustment). */
    source_table: c.text(),
    source_id: c.uuid(),
    moved_by: c.uuid().references('users'),
  },
  {
    appendOnly: true,
    indexes: [['stock_batch_id'], ['medication_item_id']],
    checks: { quantity_nonzero: '"quantity" <> 0' },
  },
);

/** A purchase order; its total is derived from its items (db/derived/purchasing.ts), never stored. */
export const purchase_orders = syncedTable(
  'purchase_orders',
  {
    order_number: c.text().notNull().unique(),
    supplier_id: c.uuid().notNull().references('suppliers'),
    status: c
      .enum(['draft', 'submitted', 'partially_received', 'received', 'cancelled'])
      .notNull()
      .default('draft'),
    ordered_on: c.date(),
    expected_on: c.date(),
    notes: c.text(),
  },
  { indexes: [['supplier_id']] },
);

export const purchase_order_items = syncedTable(
  'purchase_order_items',
  {
    purchase_order_id: c.uuid().notNull().references('purchase_orders'),
    medication_item_id: c.uuid().notNull().references('medication_items'),
    quantity_ordered: c.int().notNull().positive(),
    unit_cost: c.money().notNull().nonNegative(),
  },
  { indexes: [['purchase_order_id']] },
);

export const goods_received_notes = syncedTable(
  'goods_received_notes',
  {
    grn_number: c.text().notNull().unique(),
    purchase_order_id: c.uuid().references('purchase_orders'),
    supplier_id: c.uuid().notNull().references('suppliers'),
    received_on: c.date().notNull(),
    received_by: c.uuid().references('users'),
    notes: c.text(),
  },
  { indexes: [['purchase_order_id']] },
);

export const grn_items = syncedTable(
  'grn_items',
  {
    goods_received_note_id: c.uuid().notNull().references('goods_received_notes'),
    medication_item_id: c.uuid().notNull().references('medication_items'),
    stock_batch_id: c.uuid().notNull().references('stock_batches'),
    quantity_received: c.int().notNull().positive(),
    unit_cost: c.money().notNull().nonNegative(),
  },
  { indexes: [['goods_received_note_id']] },
);

/** One dispensing event at the counter: append-only, each paired with a `dispense` stock movement. */
export const dispensing_logs = syncedTable(
  'dispensing_logs',
  {
    prescription_id: c.uuid().references('prescriptions'),
    patient_id: c.uuid().references('patients'),
    medication_item_id: c.uuid().notNull().references('medication_items'),
    stock_batch_id: c.uuid().notNull().references('stock_batches'),
    quantity: c.int().notNull().positive(),
    dispensed_by: c.uuid().notNull().references('users'),
    dispensed_at: c.timestamp().notNull(),
    notes: c.text(),
  },
  { appendOnly: true, indexes: [['prescription_id'], ['stock_batch_id']] },
);

export const stock_adjustments = syncedTable(
  'stock_adjustments',
  {
    medication_item_id: c.uuid().notNull().references('medication_items'),
    stock_batch_id: c.uuid().notNull().references('stock_batches'),
    adjustment_type: c
      .enum(['damaged', 'expired', 'count_correction', 'lost', 'returned_to_supplier', 'other'])
      .notNull(),
    quantity: c.int().notNull(),
    reason: c.text().notNull(),
    adjusted_by: c.uuid().notNull().references('users'),
  },
  { appendOnly: true, indexes: [['stock_batch_id']], checks: { quantity_nonzero: '"quantity" <> 0' } },
);
