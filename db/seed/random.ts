/**
 * Deterministic randomness for the demo data: a small seeded PRNG (sfc32, 128-bit state, so streams
 * of tens of millions of draws never cycle) and UUIDv7-shaped ids built from it. Nothing here reads
 * the clock or `Math.random`, so the same seed always gives the same hospital, ids included.
 */

/** splitmix32: spreads a 32-bit seed into well-mixed state words. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** murmur3's 32-bit finaliser: a bijection on 32-bit integers (distinct inputs, distinct outputs). */
export function fmix32(h0: number): number {
  let h = h0 >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const init = splitmix32(seed);
    this.a = init();
    this.b = init();
    this.c = init();
    this.d = init();
    // Warm up so nearby seeds diverge immediately.
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** sfc32: the next 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max), rounded to `decimals`. */
  real(min: number, max: number, decimals = 1): number {
    const f = 10 ** decimals;
    return Math.round((min + this.next() * (max - min)) * f) / f;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  /** A small count with the given mean (geometric-ish, capped): how many vitals, visits, … */
  count(mean: number, max: number): number {
    if (mean <= 0) return 0;
    const p = 1 / (1 + mean);
    let n = 0;
    while (n < max && this.next() >= p) n++;
    return n;
  }
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
const hex4 = (n: number) => (n & 0xffff).toString(16).padStart(4, '0');

/**
 * UUIDv7-shaped ids: 48-bit Unix milliseconds (the row's creation time, so ids sort like the
 * rows were made), version 7, variant 10, and 74 "random" bits. The last 32 of those are a
 * bijection of a per-generation counter mixed with the seed, so ids of one generation never
 * collide; the other bits come from the PRNG.
 */
export class IdMaker {
  private counter = 0;
  private readonly key: number;

  constructor(
    private readonly rng: Rng,
    seed: number,
  ) {
    this.key = fmix32(seed ^ 0x5eed1d5);
  }

  make(ms: number): string {
    const t = Math.max(0, Math.floor(ms));
    const hi = Math.floor(t / 65536);
    const lo = t % 65536;
    const r = this.rng.u32();
    const randA = r & 0x0fff;
    const variant = 0x8000 | ((r >>> 12) & 0x3fff);
    const mid = (r >>> 26) | ((this.rng.u32() & 0x3ff) << 6);
    const unique = fmix32((this.counter++ ^ this.key) >>> 0);
    return `${hex8(hi)}-${hex4(lo)}-${hex4(0x7000 | randA)}-${hex4(variant)}-${hex4(mid)}${hex8(unique)}`;
  }
}
