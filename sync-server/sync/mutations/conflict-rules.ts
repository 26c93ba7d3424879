/**
 * The rules that decide a mutation's outcome, with no database (how two values compare is
 * db/primitives `sameValue`, shared with the workstation): what an update does to a field that changed on the server meanwhile, whether an error is the
 * database's state (retry the batch) or the mutation's (quarantine it), and the words of a rejection.
 */
import type { z } from 'zod';
import { issuesFromZod, sameValue } from '../../../db/primitives/index.ts';
import type { ColumnKind } from '../../../db/schema/dsl.ts';
import type { Mutation, Outcome } from '../../../db/sync-contract.ts';

/**
 * What an update does to one field it changes:
 * - `apply`: the server still holds the base the workstation changed from;
 * - `unchanged`: the server already holds the new value;
 * - otherwise the same field changed on the server since this workstation read it: a conflict. The
 *   greater HLC wins (a field no write has clocked yet loses to any), so every arrival order ends
 *   the same.
 */
export function decideField(
  kind: ColumnKind | undefined,
  server: { value: unknown; hlc: string | undefined },
  change: { base: unknown; value: unknown; hlc: string },
): 'apply' | 'unchanged' | 'conflict-wins' | 'conflict-loses' {
  if (sameValue(kind, server.value, change.base)) return 'apply';
  if (sameValue(kind, server.value, change.value)) return 'unchanged';
  return server.hlc === undefined || change.hlc > server.hlc ? 'conflict-wins' : 'conflict-loses';
}

/** An update's outcome: a conflict on any field; merged when the row had changed meanwhile (on other fields). */
export function updateOutcome(
  conflicts: number,
  baseVersion: number | undefined,
  currentVersion: number,
): Outcome {
  if (conflicts > 0) return 'conflict';
  return baseVersion !== undefined && baseVersion !== currentVersion ? 'merged' : 'applied';
}

/** A malformed entry, kept as much as it can be read, for the quarantine record. */
export function malformed(raw: { id: string } & Record<string, unknown>): Mutation {
  const text = (v: unknown, fallback: string) => (typeof v === 'string' && v.length <= 64 ? v : fallback);
  const uuid = (v: unknown) => (typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v) ? v : undefined);
  return {
    ...(raw as unknown as Mutation),
    id: raw.id,
    table: text(raw.table, '(unknown)'),
    row_id: uuid(raw.row_id) as string,
    op: (['insert', 'update', 'delete'].includes(String(raw.op)) ? raw.op : 'update') as Mutation['op'],
    author_id: uuid(raw.author_id) as string,
    hlc: text(raw.hlc, ''),
    device_time:
      typeof raw.device_time === 'string' && !Number.isNaN(Date.parse(raw.device_time))
        ? raw.device_time
        : new Date().toISOString(),
  };
}

/** Why a malformed entry was quarantined: each field at fault and its rule. */
export function malformedReason(error: z.ZodError): string {
  return `malformed mutation: ${issuesFromZod(error)
    .map((i) => `${i.field}: ${i.message}`)
    .join('; ')}`;
}

/** Errors that are the database's state, not the mutation's: deadlock, serialization, lock timeout, shutdown. */
export function isTransient(err: unknown): boolean {
  const code =
    (err as { cause?: { code?: unknown } } | null)?.cause?.code ?? (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return (
    code === '40P01' ||
    code === '40001' ||
    code === '55P03' ||
    code.startsWith('57P') ||
    code.startsWith('08')
  );
}

/** A database error, in words fit for the quarantine list (constraint names, no values). */
export function databaseReason(err: unknown): string {
  const e =
    (err as { cause?: { code?: string; constraint?: string; message?: string } }).cause ??
    (err as { code?: string; constraint?: string; message?: string });
  if (e?.code === '23505')
    return `rejected by the database: duplicate value (${e.constraint ?? 'unique key'})`;
  if (e?.code === '23503')
    return `rejected by the database: refers to a missing row (${e.constraint ?? 'foreign key'})`;
  if (e?.code === '23514') return `rejected by the database: check failed (${e.constraint ?? 'check'})`;
  if (e?.code === '23502') return 'rejected by the database: a required value is missing';
  return `rejected by the database: ${e?.code ?? 'error'}`;
}
