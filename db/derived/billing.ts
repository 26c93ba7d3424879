/**
 * What a bill comes to, from its rows: total = Σ items (quantity × unit price); paid = Σ payments,
 * refunds subtracted; insurance share = the active insurance's coverage of the total, rounded down
 * to whole minor units; balance = total − paid; status = the lifecycle (draft, void) or, for an
 * issued bill, what the payments make it (issued, partially_paid, paid). Nothing here is stored: two
 * cashiers taking payments offline both land, and the status reads right after both arrive.
 */
import { sql } from 'drizzle-orm';
import { type DerivedQuery, inList, numberOf } from './portable-sql.ts';

export const DERIVED_BILL_STATUSES = ['draft', 'issued', 'partially_paid', 'paid', 'void'] as const;
export type DerivedBillStatus = (typeof DERIVED_BILL_STATUSES)[number];

export interface BillSummary {
  bill_id: string;
  total: number;
  insurance_share: number;
  patient_share: number;
  paid: number;
  balance: number;
  status: DerivedBillStatus;
}

export function billSummaries(billIds: readonly string[]): DerivedQuery<BillSummary> {
  const items = sql`SELECT bill_id, CAST(SUM(quantity * unit_price) AS BIGINT) AS total
    FROM bill_items WHERE deleted_at IS NULL AND ${inList(sql`bill_id`, billIds)} GROUP BY bill_id`;
  const pays = sql`SELECT bill_id, CAST(SUM(CASE WHEN method = 'refund' THEN -amount ELSE amount END) AS BIGINT) AS paid
    FROM payments WHERE deleted_at IS NULL AND ${inList(sql`bill_id`, billIds)} GROUP BY bill_id`;
  return {
    sql: sql`SELECT x.bill_id, x.total, x.insurance_share, x.total - x.insurance_share AS patient_share,
        x.paid, x.total - x.paid AS balance,
        CASE WHEN x.lifecycle IN ('draft', 'void') THEN x.lifecycle
             WHEN x.paid >= x.total THEN 'paid'
             WHEN x.paid > 0 THEN 'partially_paid'
             ELSE 'issued' END AS status
      FROM (SELECT b.id AS bill_id, b.status AS lifecycle,
              COALESCE(t.total, 0) AS total,
              COALESCE(p.paid, 0) AS paid,
              CAST(COALESCE(COALESCE(t.total, 0) * i.coverage_percent / 100, 0) AS BIGINT) AS insurance_share
            FROM bills b
            LEFT JOIN (${items}) t ON t.bill_id = b.id
            LEFT JOIN (${pays}) p ON p.bill_id = b.id
            LEFT JOIN insurance_details i ON i.id = b.insurance_id AND i.deleted_at IS NULL AND i.is_active
            WHERE b.deleted_at IS NULL AND ${inList(sql`b.id`, billIds)}) x
      ORDER BY x.bill_id`,
    read: (r) => ({
      bill_id: String(r.bill_id),
      total: numberOf(r.total) ?? 0,
      insurance_share: numberOf(r.insurance_share) ?? 0,
      patient_share: numberOf(r.patient_share) ?? 0,
      paid: numberOf(r.paid) ?? 0,
      balance: numberOf(r.balance) ?? 0,
      status: String(r.status) as DerivedBillStatus,
    }),
  };
}
