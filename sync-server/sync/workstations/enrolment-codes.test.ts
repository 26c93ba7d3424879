import { describe, expect, it } from 'vitest';
import { WORKSTATION_CODE } from '../../../db/numbers.ts';
import { enrolmentCodeHash, newEnrolment, workstationCodeCandidate } from './enrolment-codes.ts';

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

describe('workstation codes', () => {
  it("are the kind's initial and three look-alike-free characters, one more after every eight draws taken", () => {
    const lengths = Array.from({ length: 40 }, (_, draw) => workstationCodeCandidate('ward', draw));
    for (const code of lengths) expect(code).toMatch(WORKSTATION_CODE);
    for (const code of lengths) expect(code).toMatch(/^W[A-HJKMNP-Z2-9]+$/);
    expect(lengths.map((c) => c.length)).toEqual(
      Array.from({ length: 40 }, (_, draw) => 4 + Math.min(Math.floor(draw / 8), 4)),
    );
    expect(workstationCodeCandidate('pharmacy', 0)).toMatch(/^P[A-HJKMNP-Z2-9]{3}$/);
  });

  it('spread over the whole alphabet (29,791 first draws per kind, not 4,096)', () => {
    const seen = new Set(Array.from({ length: 20_000 }, () => workstationCodeCandidate('reception', 0)));
    // 20,000 draws from 29,791 codes leave about 14,000 distinct; from 4,096 at most 4,096.
    expect(seen.size).toBeGreaterThan(12_000);
  });
});
