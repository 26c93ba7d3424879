/**
 * The timestamp normal form: ISO-8601 UTC with milliseconds, `YYYY-MM-DDTHH:MM:SS.mmmZ`. The
 * workstation stores instants as this text (so they sort and compare as strings), the wire carries
 * it, and every comparison of two instants from different ends goes through it (Postgres renders
 * `timestamptz` as `2026-01-02 03:04:05.678+00`).
 */
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const PG_TEXT_RE = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)([+-]\d{2})(?::?(\d{2}))?$/;

/** True for a real calendar date `YYYY-MM-DD` (no 31 April, 29 February only in leap years). */
export function isRealDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= (days[mo - 1] ?? 0);
}

/** ISO-8601 instant with `Z` or an offset → the normal form, or null when it is not one. */
export function normalizeTimestamp(s: string): string | null {
  const m = DATETIME_RE.exec(s);
  if (!m || !isRealDate(m[1] ?? '')) return null;
  if (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) return null;
  const off = m[5] ?? 'Z';
  if (off !== 'Z' && (Number(off.slice(1, 3)) > 23 || Number(off.slice(4, 6)) > 59)) return null;
  const ms = Date.parse(s);
  if (!Number.isFinite(ms)) return null;
  const iso = new Date(ms).toISOString();
  return /^\d{4}-/.test(iso) ? iso : null;
}

/**
 * Any instant text either end produces (ISO with `Z`/offset, or Postgres's `timestamptz` text) → the
 * normal form; null when it is not an instant.
 */
export function toNormalTimestamp(s: string): string | null {
  const iso = normalizeTimestamp(s);
  if (iso) return iso;
  const pg = PG_TEXT_RE.exec(s);
  if (!pg) return null;
  return normalizeTimestamp(`${pg[1]}T${pg[2]}${pg[3]}:${pg[4] ?? '00'}`);
}

/** The calendar date (UTC) of an instant in the normal form, `YYYY-MM-DD`. */
export const utcDate = (iso: string): string => iso.slice(0, 10);
