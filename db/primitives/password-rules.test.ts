import { describe, expect, it } from 'vitest';
import { newPasswordSchema, passwordProblem } from './password-rules.ts';

describe('new passwords', () => {
  it('takes a long, unusual one', () => {
    expect(passwordProblem('orange kettle under 7 stars')).toBeNull();
    expect(passwordProblem('Tr0mbone-Lagoon')).toBeNull();
    expect(newPasswordSchema.safeParse('orange kettle under 7 stars').success).toBe(true);
  });

  it('refuses short, blank, control characters, common ones and dressed-up common words', () => {
    expect(passwordProblem('short-pw')).toMatch(/at least 12/);
    expect(passwordProblem(' '.repeat(14))).toMatch(/only spaces/);
    expect(passwordProblem('good-length\u0007pw')).toMatch(/control/);
    expect(passwordProblem('password1234')).toMatch(/most common/);
    expect(passwordProblem('Password2024!')).toMatch(/common word/);
    expect(passwordProblem('Hospital#123456')).toMatch(/common word/);
    expect(passwordProblem('1234567890123456')).toMatch(/common word|most common/);
    expect(passwordProblem('abababababab')).toMatch(/repeats/);
    expect(passwordProblem('awa.jallow-likes-tea', 'awa.jallow')).toMatch(/user name/);
    const parsed = newPasswordSchema.safeParse('password1234');
    expect(parsed.success).toBe(false);
  });
});
