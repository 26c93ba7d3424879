import { describe, expect, it } from 'vitest';
import { restartDelay, SHAPE_RESTART_BACKOFF } from './shape-sync.ts';

describe('restartDelay', () => {
  it('doubles from the first restart up to the ceiling', () => {
    const top = () => 1; // the upper end of the jitter
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => restartDelay(n, top))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
  });

  it('spreads PCs that failed together over the upper half of the delay', () => {
    const delays = Array.from({ length: 200 }, () => restartDelay(3));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4_000);
    // Not in step: a flat delay had every stream of every PC retry at the same moment.
    expect(new Set(delays).size).toBeGreaterThan(50);
    expect(restartDelay(50, () => 0)).toBe(SHAPE_RESTART_BACKOFF.maxDelay / 2);
  });
});
