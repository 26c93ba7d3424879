import { describe, expect, it } from 'vitest';
import { ago } from './time.ts';

describe('ago', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  it('says how long ago, in words a ward reads', () => {
    expect(ago(null, now)).toBe('never');
    expect(ago('2026-11-25T11:59:55Z', now)).toBe('just now');
    expect(ago('2026-11-25T11:59:30Z', now)).toBe('30 s ago');
    expect(ago('2026-11-25T11:56:00Z', now)).toBe('4 min ago');
    expect(ago('not a date', now)).toBe('unknown');
  });
});
