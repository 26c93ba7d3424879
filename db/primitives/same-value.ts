/**
 * "The same value", once, for both ends of the conflict protocol: the workstation decides whether an
 * edit changed anything, and the server whether the base a workstation sent still matches the stored
 * value. Both must agree, or a PC would upload changes the server sees as conflicts (or miss real
 * ones). Values may come in either end's form: Postgres `to_jsonb` renders instants as
 * `2026-01-02T03:04:05.678+00:00` and reorders JSON keys; SQLite keeps booleans as 0/1.
 */
import type { ColumnKind } from '../schema/dsl.ts';
import { canonicalJson } from './canonical-json.ts';
import { toNormalTimestamp } from './timestamp.ts';

/** A value of a column of `kind` as comparable text. */
export function comparable(kind: ColumnKind | undefined, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (kind === 'timestamp' && typeof value === 'string') {
    return JSON.stringify(toNormalTimestamp(value) ?? value);
  }
  if (kind === 'bool' && (value === 0 || value === 1)) return value === 1 ? 'true' : 'false';
  if (kind === 'json' || typeof value === 'object') return canonicalJson(value);
  return JSON.stringify(value);
}

export const sameValue = (kind: ColumnKind | undefined, a: unknown, b: unknown): boolean =>
  a === b || comparable(kind, a) === comparable(kind, b);
