import { toNormalTimestamp } from '../../db/primitives/index.ts';

/**
 * A stored instant as the API shows it: the timestamp normal form (ISO-8601 UTC). Postgres returns
 * `timestamptz` columns (drizzle `mode: 'string'`) as `2026-01-02 03:04:05.678+00`; a text that is
 * not an instant is passed through unchanged.
 */
export function isoTime(value: string): string;
export function isoTime(value: string | null | undefined): string | null;
export function isoTime(value: string | null | undefined): string | null {
  return value == null ? null : (toNormalTimestamp(value) ?? value);
}
