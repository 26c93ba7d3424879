/** Postgres returns `timestamptz` columns (drizzle `mode: 'string'`) as `2026-01-02 03:04:05.678+00`;
 * the API speaks ISO-8601 UTC. */
export function isoTime(value: string): string;
export function isoTime(value: string | null | undefined): string | null;
export function isoTime(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const d = parseTime(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

export function parseTime(value: string): Date {
  const normalized = value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  return new Date(normalized);
}
