import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Mutation } from '../../../db/sync-contract.ts';
import {
  boundClock,
  databaseReason,
  decideField,
  isTransient,
  MAX_NESTING,
  malformed,
  malformedReason,
  mutationDigest,
  ruleTime,
  storablePayload,
  unsafeContent,
  updateOutcome,
} from './conflict-rules.ts';

const EARLY = '1760000000000-000000-pc-a';
const LATE = '1760000000001-000000-pc-b';

describe('deciding a changed field', () => {
  it('applies a change made from the value the server still holds', () => {
    expect(decideField('text', { value: 'a', hlc: LATE }, { base: 'a', value: 'b', hlc: EARLY })).toBe(
      'apply',
    );
  });

  it('leaves a field the server already holds at the new value', () => {
    expect(decideField('text', { value: 'b', hlc: LATE }, { base: 'a', value: 'b', hlc: EARLY })).toBe(
      'unchanged',
    );
  });

  it('gives a field changed on both sides to the greater HLC, whatever the arrival order', () => {
    expect(decideField('text', { value: 'c', hlc: EARLY }, { base: 'a', value: 'b', hlc: LATE })).toBe(
      'conflict-wins',
    );
    expect(decideField('text', { value: 'c', hlc: LATE }, { base: 'a', value: 'b', hlc: EARLY })).toBe(
      'conflict-loses',
    );
  });

  it('lets a change win over a server value no write has clocked', () => {
    expect(decideField('text', { value: 'c', hlc: undefined }, { base: 'a', value: 'b', hlc: EARLY })).toBe(
      'conflict-wins',
    );
  });
});

describe("an update's outcome", () => {
  it('is a conflict when any field conflicted, merged when the row moved on, applied otherwise', () => {
    expect(updateOutcome(1, 3, 4)).toBe('conflict');
    expect(updateOutcome(0, 3, 4)).toBe('merged');
    expect(updateOutcome(0, 4, 4)).toBe('applied');
    expect(updateOutcome(0, undefined, 4)).toBe('applied');
  });
});

describe('errors', () => {
  it('retries deadlocks, serialization failures, lock timeouts, shutdowns and lost connections', () => {
    for (const code of ['40P01', '40001', '55P03', '57P01', '08006']) {
      expect(isTransient({ code })).toBe(true);
      expect(isTransient({ cause: { code } })).toBe(true);
    }
    expect(isTransient({ code: '23505' })).toBe(false);
    expect(isTransient(new Error('boom'))).toBe(false);
    expect(isTransient(null)).toBe(false);
  });

  it('words a database rejection with the constraint, never the values', () => {
    expect(databaseReason({ cause: { code: '23505', constraint: 'patients_mrn_key', detail: 'P-1' } })).toBe(
      'rejected by the database: duplicate value (patients_mrn_key)',
    );
    expect(databaseReason({ code: '23503' })).toBe(
      'rejected by the database: refers to a missing row (foreign key)',
    );
    expect(databaseReason({ code: '23502' })).toBe('rejected by the database: a required value is missing');
    expect(databaseReason({})).toBe('rejected by the database: error');
  });
});

describe('a malformed mutation', () => {
  it('keeps what can be read of it for the quarantine record', () => {
    const m = malformed({ id: 'm1', table: 'patients', row_id: 'not-a-uuid', op: 'upsert', hlc: 42 });
    expect(m).toMatchObject({ id: 'm1', table: 'patients', op: 'update', hlc: '' });
    expect(m.row_id).toBeUndefined();
    expect(Number.isNaN(Date.parse(m.device_time))).toBe(false);
  });

  it('names each field at fault in its reason', () => {
    const parsed = z.object({ table: z.string(), hlc: z.string() }).safeParse({ table: 1 });
    expect(parsed.success).toBe(false);
    if (!parsed.success)
      expect(malformedReason(parsed.error)).toMatch(/^malformed mutation: table: .+; hlc: .+$/);
  });
});

describe('entries that cannot be stored as they are', () => {
  const nest = (n: number) => {
    let v: unknown = 'leaf';
    for (let i = 0; i < n; i++) v = { d: v };
    return v;
  };

  it('finds a NUL in a value or a field name, and nesting past the limit', () => {
    expect(unsafeContent({ data: { a: 'ok', b: ['x', 1, null] } })).toBeNull();
    expect(unsafeContent({ data: { a: 'A\u0000' } })).toMatch(/NUL/);
    expect(unsafeContent({ data: { 'a\u0000': 1 } })).toMatch(/NUL/);
    expect(unsafeContent(nest(MAX_NESTING - 1))).toBeNull();
    expect(unsafeContent(nest(MAX_NESTING + 1))).toMatch(/nested deeper/);
  });

  it('keeps what can be stored: NUL written out, deep values replaced by a note', () => {
    expect(storablePayload({ a: 'x\u0000y', n: [1, true] })).toEqual({ a: 'x\\u0000y', n: [1, true] });
    const kept = JSON.stringify(storablePayload(nest(MAX_NESTING + 5)));
    expect(kept).toContain('not kept');
    expect(unsafeContent(storablePayload(nest(1000)))).toBeNull();
  });
});

describe('clocks ahead of the server', () => {
  const now = new Date('2026-12-04T12:00:00.000Z');
  const m = (ms: number): Mutation => ({
    id: '01900000-0000-7000-8000-000000000001',
    tx_id: '01900000-0000-7000-8000-000000000001',
    table: 'patients',
    row_id: '01900000-0000-7000-8000-000000000002',
    op: 'update',
    author_id: '01900000-0000-7000-8000-000000000003',
    hlc: `${ms}-000042-pc-a`,
    device_time: new Date(ms).toISOString(),
  });

  it('takes a clock a little ahead as it is, and reads one far ahead at the server time', () => {
    const near = m(now.getTime() + 30_000);
    expect(boundClock(near, now)).toBe(near);
    const far = boundClock(m(now.getTime() + 86_400_000), now);
    expect(far.hlc).toBe(`${now.getTime()}-000042-pc-a`);
    // The claimed device time stays for the audit trail; the rules judge at the server's time.
    expect(far.device_time).toBe(new Date(now.getTime() + 86_400_000).toISOString());
    expect(ruleTime(far.device_time, now)).toBe(now.toISOString());
    expect(ruleTime(near.device_time, now)).toBe(near.device_time);
  });

  it('fingerprints content, not key order', () => {
    const a = m(1);
    const b = { ...a, data: { y: 1, x: 2 } };
    const c = { ...a, data: { x: 2, y: 1 } };
    expect(mutationDigest(b)).toBe(mutationDigest(c));
    expect(mutationDigest(b)).not.toBe(mutationDigest({ ...c, data: { x: 2, y: 2 } }));
  });
});
