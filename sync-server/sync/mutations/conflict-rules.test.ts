import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  databaseReason,
  decideField,
  isTransient,
  malformed,
  malformedReason,
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
