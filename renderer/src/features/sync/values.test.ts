import { describe, expect, it } from 'vitest';
import { rowWord, showValue, typedLike, words, writtenValues } from './values.ts';

describe('showValue', () => {
  it('shows text as typed, nothing as (empty), structures as JSON', () => {
    expect(showValue('+220 7012345')).toBe('+220 7012345');
    expect(showValue(null)).toBe('(empty)');
    expect(showValue('')).toBe('(empty)');
    expect(showValue(12.5)).toBe('12.5');
    expect(showValue({ deleted_at: '2026-11-25' })).toBe('{"deleted_at":"2026-11-25"}');
    expect(words('next_of_kin_phone')).toBe('next of kin phone');
    expect([rowWord('patients'), rowWord('lab_results'), rowWord('allergies'), rowWord('vitals')]).toEqual([
      'patient',
      'lab result',
      'allergy',
      'vital',
    ]);
  });
});

describe('editing a refused write', () => {
  it('keeps each field in its type and reads what an insert or an update set', () => {
    expect(typedLike(5, '7')).toBe(7);
    expect(typedLike(5, 'seven')).toBe('seven');
    expect(typedLike('a', '')).toBeNull();
    expect(typedLike(true, 'false')).toBe(false);
    expect(writtenValues('insert', { data: { phone: '1' } })).toEqual({ phone: '1' });
    expect(writtenValues('update', { changes: { phone: { base: '1', value: '2' } } })).toEqual({
      phone: '2',
    });
    expect(writtenValues('update', { phone: { base: '1', value: '3' } })).toEqual({ phone: '3' });
    expect(writtenValues('insert', { phone: '4' })).toEqual({ phone: '4' });
    expect(writtenValues('delete', {})).toEqual({});
  });
});
