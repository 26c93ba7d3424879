import { describe, expect, it } from 'vitest';
import { Gate } from './gate.ts';

describe('Gate', () => {
  it('admits `slots` at once, then in arrival order as they leave; leaving twice frees one slot', async () => {
    const gate = new Gate(2);
    const a = await gate.enter(1_000);
    const b = await gate.enter(1_000);
    const order: string[] = [];
    const track = (name: string) =>
      gate.enter(1_000).then((leave) => {
        order.push(name);
        return leave;
      });
    const c = track('c');
    const d = track('d');
    a?.();
    a?.();
    expect(await c).not.toBeNull();
    b?.();
    expect(await d).not.toBeNull();
    expect(order).toEqual(['c', 'd']);
  });

  it('gives up after the wait or when the caller goes, and the slot is not lost', async () => {
    const gate = new Gate(1);
    const held = await gate.enter(10);
    expect(await gate.enter(20)).toBeNull();
    const gone = new AbortController();
    const waiting = gate.enter(5_000, gone.signal);
    gone.abort();
    expect(await waiting).toBeNull();
    held?.();
    expect(await gate.enter(10)).not.toBeNull();
  });
});
