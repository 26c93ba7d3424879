/** A synced value as a person reads it: text as it is, nothing as "(empty)", anything else as JSON. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '(empty)';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Field and table names as words: `next_of_kin_phone` → "next of kin phone". */
export const words = (name: string | null): string => (name ?? '').replaceAll('_', ' ');

/** A table's name for one of its rows: `lab_results` → "lab result", `allergies` → "allergy". */
export const rowWord = (table: string): string =>
  words(table)
    .replace(/ies$/, 'y')
    .replace(/(?<!s)s$/, '');

/** A user or device id, short enough to compare by eye. */
export const shortId = (id: string | null): string => (id ? id.slice(-8) : 'unknown');

/** What a box typed back into a field, in the type the field had (a number stays a number). */
export function typedLike(original: unknown, typed: string): unknown {
  if (typed.trim() === '') return null;
  if (typeof original === 'number') {
    const n = Number(typed);
    return Number.isFinite(n) ? n : typed;
  }
  if (typeof original === 'boolean') return typed === 'true';
  return typed;
}

/**
 * The fields a refused write set, as `{field: value}`: an insert's payload is the row, an update's is
 * `{field: {base, value}}` (the outbox's own entries may still wrap them in `data` / `changes`).
 */
export function writtenValues(operation: string, payload: unknown): Record<string, unknown> {
  const p = (payload ?? {}) as Record<string, unknown>;
  if (operation === 'insert') return { ...((p.data as Record<string, unknown> | undefined) ?? p) };
  if (operation !== 'update') return {};
  const changes = (p.changes as Record<string, unknown> | undefined) ?? p;
  return Object.fromEntries(
    Object.entries(changes).map(([k, c]) => [
      k,
      c !== null && typeof c === 'object' && 'value' in c ? (c as { value: unknown }).value : c,
    ]),
  );
}
