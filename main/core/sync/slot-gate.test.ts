import { describe, expect, it } from 'vitest';
import { SlotGate } from './shape-sync.ts';

describe('SlotGate', () => {
  it('lets at most `slots` holders in, and hands a released slot to the first waiter', () => {
    const gate = new SlotGate(2);
    const got: string[] = [];
    gate.acquire(() => got.push('a'));
    gate.acquire(() => got.push('b'));
    gate.acquire(() => got.push('c'));
    gate.acquire(() => got.push('d'));
    expect(got).toEqual(['a', 'b']);
    gate.release();
    expect(got).toEqual(['a', 'b', 'c']);
    gate.release();
    gate.release();
    expect(got).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a withdrawn waiter never gets a slot, and does not use one up', () => {
    const gate = new SlotGate(1);
    const got: string[] = [];
    gate.acquire(() => got.push('a'));
    const withdraw = gate.acquire(() => got.push('b'));
    gate.acquire(() => got.push('c'));
    withdraw();
    gate.release();
    expect(got).toEqual(['a', 'c']);
    gate.release();
    gate.acquire(() => got.push('d'));
    expect(got).toEqual(['a', 'c', 'd']);
  });
});
