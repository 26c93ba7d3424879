import { describe, expect, it } from 'vitest';
import { enrolmentCodeHash, newEnrolment } from './enrolment-codes.ts';

describe('enrolment codes', () => {
  it('are two groups of four characters without look-alikes (0/O, 1/I/L), valid for a day', () => {
    const now = new Date('2026-03-01T08:00:00.000Z');
    for (let i = 0; i < 50; i++) {
      const e = newEnrolment(now);
      expect(e.code).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
      expect(e.expiresAt).toBe('2026-03-02T08:00:00.000Z');
      expect(e.codeHash).toBe(enrolmentCodeHash(e.code));
    }
  });

  it('match whatever the case or the separators IT typed', () => {
    expect(enrolmentCodeHash('abcd-efgh')).toBe(enrolmentCodeHash('ABCDEFGH'));
    expect(enrolmentCodeHash(' ABCD EFGH ')).toBe(enrolmentCodeHash('ABCD-EFGH'));
    expect(enrolmentCodeHash('ABCD-EFGJ')).not.toBe(enrolmentCodeHash('ABCD-EFGH'));
  });
});
