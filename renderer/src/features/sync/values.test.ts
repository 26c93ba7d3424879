import { describe, expect, it } from 'vitest';
import type { ConflictView } from '../../../../main/common/index.ts';
import { conflictSides, rowWord, showValue, words, writtenValues } from './values.ts';

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
  it('reads what an insert or an update set', () => {
    expect(writtenValues('insert', { data: { phone: '1' } })).toEqual({ phone: '1' });
    expect(writtenValues('update', { changes: { phone: { base: '1', value: '2' } } })).toEqual({
      phone: '2',
    });
    expect(writtenValues('update', { phone: { base: '1', value: '3' } })).toEqual({ phone: '3' });
    expect(writtenValues('insert', { phone: '4' })).toEqual({ phone: '4' });
    expect(writtenValues('delete', {})).toEqual({});
  });
});

const conflict = (over: Partial<ConflictView> = {}): ConflictView => ({
  id: 'c1',
  table: 'patients',
  rowId: '0190a3c4-6f2e-7b1a-8c3d-0000000000aa',
  field: 'phone',
  kind: 'field',
  localValue: '+220 7111111',
  serverValue: '+220 7222222',
  provisionalValue: '+220 7222222',
  localAuthorId: '0190a3c4-6f2e-7b1a-8c3d-000000000001',
  serverAuthorId: '0190a3c4-6f2e-7b1a-8c3d-000000000002',
  localAuthorName: 'Awa Jallow',
  serverAuthorName: 'Lamin Ceesay',
  localDeviceTime: '2026-11-25T09:58:00.000Z',
  localWorkstationId: '0190a3c4-6f2e-7b1a-8c3d-0000000000d3',
  localWorkstationName: 'Desk 3',
  serverWorkstationId: '0190a3c4-6f2e-7b1a-8c3d-0000000000d4',
  serverWorkstationName: 'Desk 4',
  serverWrittenAt: '2026-11-25T09:59:00.000Z',
  status: 'open',
  resolutionValue: null,
  resolvedBy: null,
  resolvedAt: null,
  resolutionNote: null,
  createdAt: '2026-11-25T10:00:00.000Z',
  ...over,
});

describe('a conflict card', () => {
  it('shows each side with its author, its PC and when it was written', () => {
    expect(conflictSides(conflict())).toEqual([
      {
        side: 'local',
        title: 'The sent value',
        value: '+220 7111111',
        author: 'Awa Jallow',
        workstation: 'Desk 3',
        at: '2026-11-25T09:58:00.000Z',
        when: 'typed',
      },
      {
        side: 'server',
        title: "The server's value",
        value: '+220 7222222',
        author: 'Lamin Ceesay',
        workstation: 'Desk 4',
        at: '2026-11-25T09:59:00.000Z',
        when: 'written',
      },
    ]);
  });

  it('names by short id what this PC does not know, and says when the PC was not recorded', () => {
    const [local, server] = conflictSides(
      conflict({
        localAuthorName: null,
        localWorkstationName: null,
        serverWorkstationId: null,
        serverWorkstationName: null,
        serverWrittenAt: null,
      }),
    );
    expect(local).toMatchObject({ author: 'user …00000001', workstation: 'PC …000000d3' });
    expect(server).toMatchObject({ workstation: 'a PC not recorded', at: null });
  });

  it('says what each side of a delete-versus-change did, in words', () => {
    const [local, server] = conflictSides(
      conflict({
        kind: 'delete_update',
        field: null,
        localValue: { phone: '+220 7111111', next_of_kin_name: 'Lamin' },
        serverValue: { deleted_at: '2026-11-25T09:59:00.000Z' },
      }),
    );
    expect(local?.value).toBe('Changed phone, next of kin');
    expect(server?.value).toBe('Deleted the record');
    expect(
      conflictSides(
        conflict({
          kind: 'delete_update',
          localValue: { deleted_at: 'deleted' },
          serverValue: { version: 4 },
        }),
      )[1].value,
    ).toBe('Changed the record');
  });
});
