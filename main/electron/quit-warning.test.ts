import { describe, expect, it } from 'vitest';
import { quitWarning } from './quit-warning.ts';

describe('quitting with unsent writes', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  it('says nothing when all is sent, else how many and how old', () => {
    expect(quitWarning({ outboxPending: 0, oldestPendingAt: null }, now)).toBeNull();
    expect(quitWarning({ outboxPending: 1, oldestPendingAt: '2026-11-25T11:59:40Z' }, now)).toMatch(
      /^1 change made on this PC has not .* less than a minute ago/,
    );
    expect(quitWarning({ outboxPending: 12, oldestPendingAt: '2026-11-25T11:15:00Z' }, now)).toMatch(
      /^12 changes .* have not .* 45 min ago/,
    );
  });
});
