/**
 * The rules that decide a mutation's outcome, with no database (how two values compare is
 * db/primitives `sameValue`, shared with the workstation): what an update does to a field that changed on the server meanwhile, whether an error is the
 * database's state (retry the batch) or the mutation's (quarantine it), and the words of a rejection.
 */
import type { z } from 'zod';
import { canonicalJson, issuesFromZod, sameValue, sha256Hex } from '../../../db/primitives/index.ts';
import type { ColumnKind } from '../../../db/schema/dsl.ts';
import { type Mutation, MutationSchema, type Outcome } from '../../../db/sync-contract.ts';

/** Deeper than any row of ours nests (a json column holds a shallow object or list). */
export const MAX_NESTING = 32;

/**
 * Why an entry cannot be stored or checked at all, before any schema: a NUL character (Postgres text
 * and jsonb refuse it, so the insert and even its quarantine record would fail the whole batch) or a
 * value nested deeper than `MAX_NESTING` (which could exhaust the stack of whatever walks it).
 */
export function unsafeContent(value: unknown): string | null {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop() as { v: unknown; depth: number };
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return 'a value holds a NUL character, which no column can store';
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_NESTING) return `a value is nested deeper than ${MAX_NESTING} levels`;
    for (const [k, child] of Object.entries(v)) {
      if (k.includes('\u0000')) return 'a field name holds a NUL character';
      stack.push({ v: child, depth: depth + 1 });
    }
  }
  return null;
}

export type ParsedEntry = { success: true; data: Mutation } | { success: false; reason: string };

/** An uploaded entry as a mutation, or why it is refused (malformed, or unsafe to store). */
export function parseEntry(raw: Record<string, unknown>): ParsedEntry {
  const unsafe = unsafeContent(raw);
  if (unsafe) return { success: false, reason: `malformed mutation: ${unsafe}` };
  const parsed = MutationSchema.safeParse(raw);
  return parsed.success
    ? { success: true, data: parsed.data }
    : { success: false, reason: malformedReason(parsed.error) };
}

/**
 * What the quarantine keeps of an entry: the entry itself, as much of it as can be stored. A NUL is
 * written out as the six characters `\\u0000` (visible to whoever fixes it); a value nested deeper
 * than `MAX_NESTING` is replaced by a note saying so.
 */
export function storablePayload(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\\u0000');
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_NESTING) return `[nested deeper than ${MAX_NESTING} levels: not kept]`;
  if (Array.isArray(value)) return value.map((v) => storablePayload(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replaceAll('\u0000', '\\u0000'), storablePayload(v, depth + 1)]),
  );
}

/** A fingerprint of a mutation's content: a retry carries the same one, a reused id another. */
export const mutationDigest = (m: Mutation): string => sha256Hex(canonicalJson(m));

/** How far ahead of the server's clock a workstation's HLC and device time may be taken as they are. */
export const MAX_CLOCK_AHEAD_MS = 60_000;

/**
 * A mutation whose HLC is further ahead of the server's clock than `MAX_CLOCK_AHEAD_MS` is ordered
 * at the server's time instead: a forged or broken clock must not win every later conflict. The HLC
 * keeps its counter and node, so it stays unique. (The device time stays as claimed, for the audit
 * trail; the row rules read it through `ruleTime`.)
 */
export function boundClock(m: Mutation, now: Date): Mutation {
  const limit = now.getTime() + MAX_CLOCK_AHEAD_MS;
  if (Number(m.hlc.slice(0, 13)) <= limit) return m;
  return { ...m, hlc: `${String(now.getTime()).padStart(13, '0')}${m.hlc.slice(13)}` };
}

/**
 * The time the row rules judge a write at: its device time, or the server's when the device claims a
 * time further ahead (a future date must not pass as past because a clock says so).
 */
export function ruleTime(deviceTime: string, now: Date): string {
  return Date.parse(deviceTime) > now.getTime() + MAX_CLOCK_AHEAD_MS ? now.toISOString() : deviceTime;
}

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
  const text = (v: unknown, fallback: string) =>
    typeof v === 'string' && v.length <= 64 && !v.includes('\u0000') ? v : fallback;
  const uuid = (v: unknown) => (typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v) ? v : undefined);
  return {
    ...(raw as unknown as Mutation),
    id: raw.id,
    tx_id: uuid(raw.tx_id) as string,
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
