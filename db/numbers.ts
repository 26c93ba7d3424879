/**
 * Human-readable numbers made on the workstation, offline: the workstation's code and its own
 * sequence (`P-R1A2-000123`), so two PCs cut off from each other never hand out the same number
 * (DESIGN §4a). Each kind names the column that holds it, so the server can tell a re-enrolled PC
 * where its sequence stood.
 */

export interface NumberKind {
  prefix: string;
  digits: number;
  table: string;
  column: string;
}

export const NUMBER_KINDS = {
  mrn: { prefix: 'P', digits: 6, table: 'patients', column: 'mrn' },
  bill: { prefix: 'B', digits: 7, table: 'bills', column: 'bill_number' },
  receipt: { prefix: 'R', digits: 7, table: 'payments', column: 'receipt_number' },
  purchase_order: { prefix: 'PO', digits: 5, table: 'purchase_orders', column: 'order_number' },
  grn: { prefix: 'GRN', digits: 5, table: 'goods_received_notes', column: 'grn_number' },
} as const satisfies Record<string, NumberKind>;

export type NumberKindName = keyof typeof NUMBER_KINDS;
export const NUMBER_KIND_NAMES = Object.keys(NUMBER_KINDS) as NumberKindName[];

const CODE = '[A-Z0-9]{2,8}';
/** Workstation codes: 2–8 capital letters or digits (the server issues them). */
export const WORKSTATION_CODE = new RegExp(`^${CODE}$`);

/** `P-R1A2-000123`: more digits than `digits` simply widen the number. */
export function formatNumber(kind: NumberKindName, code: string, seq: number): string {
  const k = NUMBER_KINDS[kind];
  return `${k.prefix}-${code}-${String(seq).padStart(k.digits, '0')}`;
}

/** The workstation code and sequence of a number of `kind`, or null when it is not one. */
export function parseNumber(kind: NumberKindName, text: string): { code: string; seq: number } | null {
  const k = NUMBER_KINDS[kind];
  const m = new RegExp(`^${k.prefix}-(${CODE})-(\\d{${k.digits},})$`).exec(text);
  return m ? { code: m[1] as string, seq: Number(m[2]) } : null;
}

/** The day's queue ticket at a desk: `R1A2-007`. */
export const queueTicket = (code: string, seq: number): string => `${code}-${String(seq).padStart(3, '0')}`;

/** The sequence name of the day's queue at a desk (one counter per calendar day). */
export const queueSequence = (day: string): string => `queue:${day}`;
