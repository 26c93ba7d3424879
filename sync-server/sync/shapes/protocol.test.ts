import { describe, expect, it } from 'vitest';
import { LIVE_TIMEOUT_MS } from '../../../db/sync-contract.ts';
import {
  logAnswer,
  mustRefetch,
  newHandle,
  nextCursor,
  parseHandle,
  parseOffset,
  scopeHash,
  snapshotAnswer,
} from './protocol.ts';

describe('shape offsets', () => {
  it('reads -1 as a snapshot and <seq>_<n> as a position', () => {
    expect(parseOffset('-1')).toBe('snapshot');
    expect(parseOffset('120_0')).toEqual({ seq: 120, part: 0 });
    expect(parseOffset('120_3')).toEqual({ seq: 120, part: 3 });
    expect(parseOffset('120_inf')).toEqual({ seq: 120, part: 'inf' });
  });

  it('refuses anything else', () => {
    for (const bad of ['', '0', '-2', '12_', '_1', '12_x', '1.5_0', '12_0 '])
      expect(parseOffset(bad)).toBeNull();
  });
});

describe('shape handles', () => {
  it('name the scope, the epoch and the snapshot position', () => {
    const scope = scopeHash('ward:1|patients');
    expect(scope).toMatch(/^[0-9a-f]{16}$/);
    const handle = newHandle(scope, 3, 120);
    expect(parseHandle(handle)).toEqual({ scope, epoch: 3, snapshotSeq: 120 });
    expect(newHandle(scope, 3, 120)).not.toBe(handle);
  });

  it('refuses a missing or foreign handle', () => {
    expect(parseHandle(undefined)).toBeNull();
    expect(parseHandle('abc-1-2-ff')).toBeNull();
    expect(parseHandle(`${'0'.repeat(16)}-1-2`)).toBeNull();
  });
});

describe('the live cursor', () => {
  it('is a multiple of the poll interval', () => {
    expect(Number(nextCursor(undefined)) % (LIVE_TIMEOUT_MS / 1000)).toBe(0);
  });

  it('always moves past the cursor the client sent', () => {
    const far = String(Number(nextCursor(undefined)) + 1_000_000);
    expect(Number(nextCursor(far))).toBeGreaterThan(Number(far));
  });
});

describe('answers', () => {
  it('sends a 409 with a fresh handle of the same scope and epoch when a shape must be refetched', () => {
    const answer = mustRefetch('0123456789abcdef', 7);
    expect(answer.status).toBe(409);
    expect(parseHandle(answer.headers['electric-handle'])).toEqual({
      scope: '0123456789abcdef',
      epoch: 7,
      snapshotSeq: 0,
    });
    expect(JSON.parse(answer.body)).toEqual([{ headers: { control: 'must-refetch' } }]);
  });

  it('points a snapshot chunk at the next one, and the last at the log, up to date', () => {
    const more = snapshotAnswer('h', 50, 2, false, ['{"a":1}'], '{}');
    expect(more.headers['electric-offset']).toBe('50_2');
    expect(more.headers['electric-up-to-date']).toBeUndefined();
    const last = snapshotAnswer('h', 50, 3, true, ['{"a":1}'], '{}');
    expect(last.headers['electric-offset']).toBe('50_inf');
    expect(last.headers['electric-up-to-date']).toBe('');
    expect(JSON.parse(last.body)).toEqual([{ a: 1 }, { headers: { control: 'up-to-date' } }]);
  });

  it('never moves an offset backwards when the log has nothing new', () => {
    const req = { table: 't', offset: '50_inf', handle: 'h', live: false };
    const idle = logAnswer(req, 50, { messages: [], lastSeq: 50, upToDate: true }, '{}');
    expect(idle.headers['electric-offset']).toBe('50_inf');
    const moved = logAnswer(req, 50, { messages: ['{"a":1}'], lastSeq: 61, upToDate: true }, '{}');
    expect(moved.headers['electric-offset']).toBe('61_0');
  });

  it('gives a live answer a cursor and a catch-up answer the schema', () => {
    const page = { messages: [], lastSeq: 5, upToDate: false };
    const live = logAnswer({ table: 't', offset: '5_0', handle: 'h', live: true }, 5, page, '{"id":{}}');
    expect(live.headers['electric-cursor']).toMatch(/^\d+$/);
    expect(live.headers['electric-schema']).toBeUndefined();
    const catchUp = logAnswer({ table: 't', offset: '5_0', handle: 'h', live: false }, 5, page, '{"id":{}}');
    expect(catchUp.headers['electric-schema']).toBe('{"id":{}}');
    expect(catchUp.body).toBe('[]');
  });
});
