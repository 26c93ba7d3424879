/**
 * Stock on hand is a ledger sum (DESIGN §3): a batch holds the sum of its movements, an item the sum
 * of its batches. `usable` leaves out batches expired on `today` (dispensing takes none from them).
 */
import { sql } from 'drizzle-orm';
import { type DerivedQuery, inList, numberOf } from './portable-sql.ts';

export interface BatchStock {
  stock_batch_id: string;
  medication_item_id: string;
  expiry_date: string;
  on_hand: number;
}

/** On hand per batch, for the given batches (or the given items' batches, or every batch: the server's watch). */
export function stockByBatch(
  filter: { batchIds?: readonly string[]; itemIds?: readonly string[] } | 'all',
): DerivedQuery<BatchStock> {
  const where =
    filter === 'all'
      ? sql`1 = 1`
      : filter.batchIds
        ? inList(sql`b.id`, filter.batchIds)
        : inList(sql`b.medication_item_id`, filter.itemIds ?? []);
  return {
    sql: sql`SELECT b.id AS stock_batch_id, b.medication_item_id AS medication_item_id,
        CAST(b.expiry_date AS TEXT) AS expiry_date,
        CAST(COALESCE(SUM(m.quantity), 0) AS BIGINT) AS on_hand
      FROM stock_batches b
      LEFT JOIN stock_movements m ON m.stock_batch_id = b.id AND m.deleted_at IS NULL
      WHERE b.deleted_at IS NULL AND ${where}
      GROUP BY b.id, b.medication_item_id, b.expiry_date
      ORDER BY b.expiry_date, b.id`,
    read: (r) => ({
      stock_batch_id: String(r.stock_batch_id),
      medication_item_id: String(r.medication_item_id),
      expiry_date: String(r.expiry_date),
      on_hand: numberOf(r.on_hand) ?? 0,
    }),
  };
}

export interface ItemStock {
  medication_item_id: string;
  on_hand: number;
  /** On hand in batches not expired on `today`. */
  usable: number;
}

/**
 * On hand per item (all its batches), and the part that is not expired on `today` (YYYY-MM-DD); for
 * the given items, or every item (the server's watch).
 */
export function stockByItem(itemIds: readonly string[] | 'all', today: string): DerivedQuery<ItemStock> {
  return {
    sql: sql`SELECT i.id AS medication_item_id,
        CAST(COALESCE(SUM(m.quantity), 0) AS BIGINT) AS on_hand,
        CAST(COALESCE(SUM(CASE WHEN CAST(b.expiry_date AS TEXT) >= ${today} THEN m.quantity ELSE 0 END), 0) AS BIGINT) AS usable
      FROM medication_items i
      LEFT JOIN stock_batches b ON b.medication_item_id = i.id AND b.deleted_at IS NULL
      LEFT JOIN stock_movements m ON m.stock_batch_id = b.id AND m.deleted_at IS NULL
      WHERE i.deleted_at IS NULL AND ${itemIds === 'all' ? sql`1 = 1` : inList(sql`i.id`, itemIds)}
      GROUP BY i.id
      ORDER BY i.id`,
    read: (r) => ({
      medication_item_id: String(r.medication_item_id),
      on_hand: numberOf(r.on_hand) ?? 0,
      usable: numberOf(r.usable) ?? 0,
    }),
  };
}
