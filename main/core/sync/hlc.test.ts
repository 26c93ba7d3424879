import { describe, expect, it } from 'vitest';
import { HLC_PATTERN } from '../../../db/sync-contract.ts';
import { formatHlc, HybridLogicalClock, parseHlc } from './hlc.ts';

describe('hybrid logical clock', () => {
  it('formats per the contract and round-trips', () => {
    const clock = new HybridLogicalClock({ node: 'ws-1', wallClock: () => 1_700_000_000_123 });
    const h = clock.now();
    expect(h).toMatch(HLC_PATTERN);
    expect(h).toBe('1700000000123-000000-ws-1');
    expect(formatHlc(parseHlc(h) ?? { ms: 0, counter: 0, node: 'x' })).toBe(h);
  });

  it('is strictly increasing within one millisecond', () => {
    const clock = new HybridLogicalClock({ node: 'a', wallClock: () => 1_000 });
    const seen = Array.from({ length: 1000 }, () => clock.now());
    for (let i = 1; i < seen.length; i++) expect((seen[i] as string) > (seen[i - 1] as string)).toBe(true);
  });

  it('stays monotonic when the wall clock goes back by 3 hours, and across a restart', () => {
    let wall = Date.parse('2025-01-01T12:00:00Z');
    let saved: string | null = null;
    const make = () =>
      new HybridLogicalClock({
        node: 'ward-pc',
        last: saved,
        save: (h) => (saved = h),
        wallClock: () => wall,
      });
    const clock = make();
    const before = clock.now();
    wall -= 3 * 3600_000;
    const after = [clock.now(), clock.now()];
    expect((after[0] as string) > before).toBe(true);
    expect((after[1] as string) > (after[0] as string)).toBe(true);
    // A restart with the clock still 3 h behind continues after the persisted high-water mark.
    const restarted = make();
    const next = restarted.now();
    expect(next > (after[1] as string)).toBe(true);
    // When the wall clock catches up, the physical part follows it again.
    wall += 4 * 3600_000;
    expect(parseHlc(restarted.now())?.ms).toBe(wall);
  });

  it('rolls the counter over into the next millisecond', () => {
    const clock = new HybridLogicalClock({
      node: 'a',
      last: '0000000001000-999999-a',
      wallClock: () => 1000,
    });
    expect(clock.now()).toBe('0000000001001-000000-a');
  });

  it('issues clocks after a change it has seen, whatever its own wall clock says', () => {
    const wall = 1_000_000; // this PC runs an hour behind the server
    const clock = new HybridLogicalClock({ node: 'slow', wallClock: () => wall });
    const before = clock.now();
    const seen = wall + 3_600_000;
    clock.observe(seen);
    const after = clock.now();
    expect(parseHlc(after)?.ms).toBe(seen);
    expect(after > before).toBe(true);
    // Any HLC another node issued at that millisecond with counter 0 is older.
    expect(after > `${String(seen).padStart(13, '0')}-000000-zzz`).toBe(true);
    // An older or nonsensical time changes nothing.
    clock.observe(wall);
    clock.observe(Number.NaN);
    expect(parseHlc(clock.now())?.ms).toBe(seen);
  });
});
