/**
 * Hybrid logical clock in the wire format of db/sync-contract.ts:
 * `<ms since epoch, 13 digits>-<counter, 6 digits>-<node id>`. Strings compare in time order.
 *
 * Monotonic whatever the wall clock does: if the clock goes back (NTP step, a wrong BIOS clock, a
 * user fiddling with the time), the physical part stays at the high-water mark and the counter
 * advances. The high-water mark is persisted (the caller passes `save`), so a restart with a clock
 * that went back never issues an HLC below one already handed out.
 */
import { HLC_PATTERN } from '../../../db/sync-contract.ts';

const MAX_COUNTER = 999_999;

export interface HlcParts {
  ms: number;
  counter: number;
  node: string;
}

export function parseHlc(s: string): HlcParts | null {
  if (!HLC_PATTERN.test(s)) return null;
  const ms = Number(s.slice(0, 13));
  const counter = Number(s.slice(14, 20));
  return { ms, counter, node: s.slice(21) };
}

export function formatHlc({ ms, counter, node }: HlcParts): string {
  return `${String(ms).padStart(13, '0')}-${String(counter).padStart(6, '0')}-${node}`;
}

export function normalizeNodeId(node: string): string {
  const n = node
    .toLowerCase()
    .replace(/[^0-9a-z-]/g, '-')
    .slice(0, 64);
  if (n.length === 0) throw new Error('HLC node id must not be empty');
  return n;
}

export interface HlcOptions {
  node: string;
  /** The persisted high-water mark (an HLC string), if any. */
  last?: string | null;
  /** Called with every newly issued high-water mark (persist it). */
  save?: (hlc: string) => void;
  /** Wall clock in ms; injectable for tests. */
  wallClock?: () => number;
}

export class HybridLogicalClock {
  readonly node: string;
  private ms = 0;
  private counter = 0;
  private readonly save: (hlc: string) => void;
  private readonly wall: () => number;

  constructor(opts: HlcOptions) {
    this.node = normalizeNodeId(opts.node);
    this.save = opts.save ?? (() => {});
    this.wall = opts.wallClock ?? Date.now;
    const last = opts.last ? parseHlc(opts.last) : null;
    if (last) {
      this.ms = last.ms;
      this.counter = last.counter;
    }
  }

  /** The latest HLC issued or seen (without advancing). */
  peek(): string {
    return formatHlc({ ms: this.ms, counter: this.counter, node: this.node });
  }

  /** A new HLC, strictly greater than every one issued before (whatever the wall clock does). */
  now(): string {
    const wall = Math.floor(this.wall());
    if (wall > this.ms) {
      this.ms = wall;
      this.counter = 0;
    } else {
      this.bump();
    }
    const out = this.peek();
    this.save(out);
    return out;
  }

  /**
   * Takes in the time of a change this PC has seen (a row's server time): every HLC issued after is
   * later, so a PC whose clock runs behind cannot make an edit that looks older than what its user
   * saw, and one whose clock was ahead and is fixed does not keep its lead against fresher writes.
   */
  observe(ms: number): void {
    if (!Number.isFinite(ms) || ms < this.ms) return;
    if (ms > this.ms) {
      this.ms = ms;
      this.counter = 0;
    }
    this.bump();
  }

  private bump() {
    if (this.counter >= MAX_COUNTER) {
      this.ms += 1;
      this.counter = 0;
    } else {
      this.counter += 1;
    }
  }
}
