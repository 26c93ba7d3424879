import { describe, expect, it } from 'vitest';
import { conflictView, hlcTime } from './views.ts';

describe('the conflict queue as the screens see it', () => {
  it('reads when a write was made from its HLC', () => {
    expect(hlcTime('1796400000000-000003-0190a3c4-6f2e-7b1a-8c3d-0000000000d4')).toBe(
      new Date(1796400000000).toISOString(),
    );
    expect(hlcTime(null)).toBeNull();
    expect(hlcTime('not an hlc')).toBeNull();
  });

  it("names both sides' authors and PCs, and says when the server's value was written", () => {
    const names: Record<string, string> = { u1: 'Awa Jallow', u2: 'Lamin Ceesay' };
    const view = conflictView(
      {
        id: 'c1',
        table_name: 'patients',
        row_id: 'r1',
        field: 'phone',
        kind: 'field',
        local_value: '+220 7111111',
        server_value: '+220 7222222',
        provisional_value: '+220 7222222',
        local_author_id: 'u1',
        local_workstation_id: 'w3',
        local_workstation_name: 'Desk 3',
        local_device_time: '2026-11-25T09:58:00.000Z',
        local_hlc: '1796200000000-000000-w3',
        server_author_id: 'u2',
        server_workstation_id: 'w4',
        server_workstation_name: 'Desk 4',
        server_hlc: '1796199000000-000001-w4',
        status: 'open',
        created_at: '2026-11-25T10:00:00.000Z',
      },
      (id) => (id ? (names[id] ?? null) : null),
    );
    expect(view).toMatchObject({
      localAuthorName: 'Awa Jallow',
      localWorkstationId: 'w3',
      localWorkstationName: 'Desk 3',
      localDeviceTime: '2026-11-25T09:58:00.000Z',
      serverAuthorName: 'Lamin Ceesay',
      serverWorkstationId: 'w4',
      serverWorkstationName: 'Desk 4',
      serverWrittenAt: new Date(1796199000000).toISOString(),
      createdAt: '2026-11-25T10:00:00.000Z',
    });
  });
});
