import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  comparable,
  formatIssues,
  isRealDate,
  normalizeTimestamp,
  quoteIdent,
  sameValue,
  sha256Hex,
  toNormalTimestamp,
} from './index.ts';

describe('primitives', () => {
  it('quotes identifiers so a name can never close the quote', () => {
    expect(quoteIdent('patients')).toBe('"patients"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });

  it('writes canonical JSON independent of key order, dropping undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (o) => {
        const reversed = Object.fromEntries(Object.entries(o).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(o));
      }),
      { seed: 20_261_125 },
    );
  });

  it('hashes with SHA-256 (known vector)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('normalises instants from either end to UTC with milliseconds', () => {
    expect(normalizeTimestamp('2026-11-02T11:00:00+01:00')).toBe('2026-11-02T10:00:00.000Z');
    expect(normalizeTimestamp('2026-02-30T00:00:00Z')).toBeNull();
    expect(normalizeTimestamp('2026-11-02 11:00:00')).toBeNull();
    expect(toNormalTimestamp('2026-11-02 11:00:00.5+00')).toBe('2026-11-02T11:00:00.500Z');
    expect(toNormalTimestamp('2026-11-02T11:00:00.123456+00:00')).toBe('2026-11-02T11:00:00.123Z');
    expect(isRealDate('2024-02-29')).toBe(true);
    expect(isRealDate('2023-02-29')).toBe(false);
  });

  it('has one "same value" for both ends: Postgres and SQLite renderings of one value agree', () => {
    expect(sameValue('timestamp', '2026-11-02T11:00:00.000Z', '2026-11-02T11:00:00+00:00')).toBe(true);
    expect(sameValue('timestamp', '2026-11-02T11:00:00.000Z', '2026-11-02T11:00:01+00:00')).toBe(false);
    expect(sameValue('timestamp', '2026-01-02 03:04:05.678+00', '2026-01-02T03:04:05.678Z')).toBe(true);
    expect(sameValue('timestamp', '2026-01-02T05:04:05.678+02:00', '2026-01-02T03:04:05.678Z')).toBe(true);
    expect(comparable('json', { b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(sameValue('int', 0, null)).toBe(false);
    expect(sameValue('json', { a: 1, b: [2] }, { b: [2], a: 1 })).toBe(true);
    expect(sameValue('bool', 1, true)).toBe(true);
    expect(sameValue('bool', 0, true)).toBe(false);
    expect(sameValue('text', null, undefined)).toBe(true);
    expect(sameValue('text', '', null)).toBe(false);
    expect(sameValue('int', 1, '1')).toBe(false);
    expect(comparable('money', 1500)).toBe('1500');
  });

  it('formats issues one per line part, naming field and rule', () => {
    expect(formatIssues([{ field: 'quantity', rule: 'positive', message: 'quantity must be > 0' }])).toBe(
      'quantity: quantity must be > 0 (positive)',
    );
  });
});
