/** A purchase order's total: Σ its items' quantity ordered × unit cost (never typed, never stored). */
import { sql } from 'drizzle-orm';
import { type DerivedQuery, inList, numberOf } from './portable-sql.ts';

export interface PurchaseOrderTotal {
  purchase_order_id: string;
  total: number;
}

export function purchaseOrderTotals(orderIds: readonly string[]): DerivedQuery<PurchaseOrderTotal> {
  return {
    sql: sql`SELECT o.id AS purchase_order_id,
        CAST(COALESCE(SUM(i.quantity_ordered * i.unit_cost), 0) AS BIGINT) AS total
      FROM purchase_orders o
      LEFT JOIN purchase_order_items i ON i.purchase_order_id = o.id AND i.deleted_at IS NULL
      WHERE o.deleted_at IS NULL AND ${inList(sql`o.id`, orderIds)}
      GROUP BY o.id
      ORDER BY o.id`,
    read: (r) => ({ purchase_order_id: String(r.purchase_order_id), total: numberOf(r.total) ?? 0 }),
  };
}
