import { describe, expect, it } from 'vitest';
import { LOCK_KEYS } from './locks.ts';

describe('advisory lock keys', () => {
  it('gives every lock its own key', () => {
    const keys = Object.values(LOCK_KEYS);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('uses whole numbers Postgres takes as a bigint key', () => {
    for (const key of Object.values(LOCK_KEYS)) expect(Number.isSafeInteger(key)).toBe(true);
  });
});
