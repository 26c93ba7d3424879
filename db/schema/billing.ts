/** Billing: the service catalogue, bills, their items, payments and insurance. Money is integer minor units. */
import { c, syncedTable } from './dsl.ts';

export const service_catalog_items = syncedTable('service_catalog_items', {
  code: c.text().notNull().unique(),
  name: c.text().notNull(),
  category: c
    .enum(['consultation', 'laboratory', 'imaging', 'procedure', 'pharmacy', 'bed', 'other'])
    .notNull(),
  unit_price: c.money().notNull().nonNegative(),
  is_active: c.bool().notNull().default(true),
});

export const insurance_details = syncedTable(
  'insurance_details',
  {
    patient_id: c.uuid().notNull().references('patients'),
    provider: c.text().notNull(),
    policy_number: c.text().notNull(),
    coverage_percent: c.int().notNull().default(0).nonNegative(),
    valid_from: c.date(),
    valid_until: c.date(),
    is_active: c.bool().notNull().default(true),
  },
  {
    indexes: [['patient_id']],
    checks: {
      coverage_max: '"coverage_percent" <= 100',
      validity_order: '"valid_until" IS NULL OR "valid_from" IS NULL OR "valid_until" >= "valid_from"',
    },
  },
);

export const bills = syncedTable(
  'bills',
  {
    /** Human-readable, prefixed with the workstation code (no offline collisions). */
    bill_number: c.text().notNull().unique(),
    patient_id: c.uuid().notNull().references('patients'),
    encounter_id: c.uuid().references('encounters'),
    insurance_id: c.uuid().references('insurance_details'),
    issued_at: c.timestamp().notNull(),
    due_date: c.date(),
    /**
     * The bill's lifecycle (draft → issued → void). Whether it is paid is *derived* from its payments
     * (db/derived/billing.ts); `partially_paid` and `paid` remain readable for rows written before that.
     */
    status: c.enum(['draft', 'issued', 'partially_paid', 'paid', 'void']).notNull().default('issued'),
    notes: c.text(),
  },
  { indexes: [['patient_id'], ['issued_at']] },
);

export const bill_items = syncedTable(
  'bill_items',
  {
    bill_id: c.uuid().notNull().references('bills'),
    service_catalog_item_id: c.uuid().references('service_catalog_items'),
    description: c.text().notNull(),
    quantity: c.int().notNull().default(1).positive(),
    unit_price: c.money().notNull().nonNegative(),
  },
  { indexes: [['bill_id']] },
);

/** Append-only: a refund is a new payment row with method `refund` amending the original. */
export const payments = syncedTable(
  'payments',
  {
    bill_id: c.uuid().notNull().references('bills'),
    amount: c.money().notNull().positive(),
    method: c.enum(['cash', 'card', 'mobile_money', 'insurance', 'bank_transfer', 'refund']).notNull(),
    /** External reference (card slip, mobile-money transaction id). */
    reference: c.text(),
    /** Our receipt number, made on the workstation that took the payment (`R-<code>-000001`). */
    receipt_number: c.text().unique(),
    received_by: c.uuid().references('users'),
    paid_at: c.timestamp().notNull(),
    amends_id: c.uuid().references('payments'),
  },
  { appendOnly: true, indexes: [['bill_id'], ['paid_at']] },
);
