/**
 * A row delivered by the shape while the write on it is still in flight, then the write acknowledged
 * as a conflict the server decided the other way (found by test/sync/property.test.ts): the replica
 * must end with the server's row, not the re-applied losing value. The server sends nothing more
 * (its row did not change again), so the workstation must restore the row it was last given.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MutationBatch } from '../../../db/sync-contract.ts';
import { syncedTableInfo } from '../store/tables.ts';
import { json, makeWrites, newId, openTestDb, patient, type TestDb } from '../test-support.ts';
import { ShapeApplier } from './shape-apply.ts';
import { Uploader } from './uploader.ts';

describe('acknowledgement racing the shape', () => {
  let t: TestDb;
  const clerk = { id: newId(), role: 'receptionist' };
  beforeEach(() => {
    t = openTestDb();
    t.local.sqlite
      .prepare(
        `INSERT INTO offline_users (id, created_at, user_id, username, verifier, role, first_name, last_name, "grant", last_online_login_at)
         VALUES (?, ?, ?, 'clerk', 'x', 'receptionist', 'A', 'B', 'grant-grant-grant-1234', ?)`,
      )
      .run(newId(), new Date().toISOString(), clerk.id, new Date().toISOString());
  });
  afterEach(() => t.cleanup());

  const info = syncedTableInfo('patients');
  if (!info) throw new Error('patients not synced');

  /** A patient as the server holds it, acknowledged and delivered (version `version`). */
  function serverPatient(id: string, version: number, extra: Record<string, unknown>) {
    const now = new Date().toISOString();
    return {
      ...patient({ mrn: 'P-RACE-1' }),
      id,
      created_at: now,
      updated_at: now,
      created_by: clerk.id,
      updated_by: clerk.id,
      deleted_at: null,
      version,
      ...extra,
    };
  }

  async function race(
    outcome: 'conflict' | 'applied',
    serverPhone: string,
    version: number,
    answered = version,
  ) {
    const { writes } = makeWrites(t, clerk);
    const shape = new ShapeApplier(t.local.sqlite, info as NonNullable<typeof info>, t.outbox);
    const id = newId();
    shape.apply(
      [
        {
          key: `"public"."patients"/"${id}"`,
          value: serverPatient(id, 1, { phone: '+220 1' }),
          headers: { operation: 'insert' },
        },
      ],
      'h',
      '0_0',
    );
    const w = writes.update('patients', id, { phone: '+220 LOCAL', address: 'Bakau' });
    expect(w.ok).toBe(true);
    const fetchFn = (async (_url: string | URL | Request, init?: RequestInit) => {
      const batch = JSON.parse(String(init?.body)) as MutationBatch;
      // The server applied the batch and committed; its change reaches the shape before the reply.
      shape.apply(
        [
          {
            key: `"public"."patients"/"${id}"`,
            value: serverPatient(id, version, { phone: serverPhone, address: 'Bakau' }),
            headers: { operation: 'update' },
          },
        ],
        'h',
        '0_1',
      );
      // Meanwhile the PC shows its own pending value.
      expect(t.local.sqlite.prepare('SELECT phone FROM patients WHERE id = ?').pluck().get(id)).toBe(
        '+220 LOCAL',
      );
      return json(200, { results: batch.mutations.map((m) => ({ id: m.id, outcome, version: answered })) });
    }) as typeof fetch;
    const up = new Uploader({
      sqlite: t.local.sqlite,
      outbox: t.outbox,
      server: 'http://server',
      token: 'tok',
      fetch: fetchFn,
      onEvent: () => {},
      periodMs: 60_000,
    });
    await up.runNow();
    await up.stop();
    return t.local.sqlite.prepare('SELECT phone, address, version FROM patients WHERE id = ?').get(id);
  }

  it('a lost conflict: the PC ends with the server value', async () => {
    expect(await race('conflict', '+220 SERVER', 2)).toEqual({
      phone: '+220 SERVER',
      address: 'Bakau',
      version: 2,
    });
  });

  it('an applied write: the PC keeps its value (the server row includes it)', async () => {
    expect(await race('applied', '+220 LOCAL', 2)).toEqual({
      phone: '+220 LOCAL',
      address: 'Bakau',
      version: 2,
    });
  });

  it('a delivery older than the write is not put back: the newer one is still to come', async () => {
    // The shape delivered version 2 (someone else's change); the write made version 3.
    expect(await race('applied', '+220 OTHER', 2, 3)).toMatchObject({ phone: '+220 LOCAL', version: 2 });
  });
});
