import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { err, ok } from '../../db/primitives/index.ts';
import { op } from '../common/contract.ts';
import { contract } from '../common/index.ts';
import type { SessionUser } from '../common/session.ts';
import { silentLogger } from './logger.ts';
import { Registry } from './registry.ts';

const nurse: SessionUser = {
  id: 'u1',
  username: 'awa',
  first_name: 'Awa',
  last_name: 'Jallow',
  role: 'nurse',
  offline: false,
};

const demo = {
  beds: {
    free: op(z.strictObject({ ward: z.string().min(1, 'name the ward') }), 'public').returns<number>(),
    assign: op(z.strictObject({ bed: z.number().int() })).returns<string>(),
  },
};

function registry(user: SessionUser | null) {
  const r = new Registry(demo, () => user, silentLogger);
  r.register('beds', {
    free: ({ ward }) => (ward === 'boom' ? err('ward_closed', 'Ward boom is closed') : ok(ward.length)),
    assign: ({ bed }, ctx) => {
      if (bed === 13) throw new Error('SQLITE_CORRUPT at patients row for Fatou Jallow');
      return ok(`${ctx.user.username}:${bed}`);
    },
  });
  return r;
}

describe('the registry (the one door into the core)', () => {
  it('runs a handler as the logged-in user and answers the envelope; the typed client goes through the door', async () => {
    const api = registry(nurse).api();
    expect(await api.beds.assign({ bed: 4 })).toEqual({ ok: true, value: 'awa:4' });
    expect(await api.beds.free({ ward: 'A' })).toEqual({ ok: true, value: 1 });
  });

  it('refuses unknown operations and bad arguments with a readable error naming the field', async () => {
    const r = registry(nurse);
    expect(await r.call('beds.burn', {})).toMatchObject({ ok: false, error: { code: 'unknown_operation' } });
    expect(await r.call(42, {})).toMatchObject({ ok: false, error: { code: 'unknown_operation' } });
    // As it arrives over IPC: JSON, where `__proto__` is a plain own key.
    const bad = await r.call(
      'beds.free',
      JSON.parse('{"ward": "", "extra": 1, "__proto__": {"admin": true}}'),
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.code).toBe('invalid_arguments');
    expect(bad.error.issues?.map((i) => i.field).sort()).toEqual(['__proto__', 'extra', 'ward']);
    expect(bad.error.message).toContain('name the ward');
    expect(await r.call('beds.assign', 'not an object')).toMatchObject({
      ok: false,
      error: { code: 'invalid_arguments' },
    });
  });

  it('answers not_logged_in for user operations when no one is logged in; public ones run', async () => {
    const r = registry(null);
    expect(await r.call('beds.assign', { bed: 1 })).toMatchObject({
      ok: false,
      error: { code: 'not_logged_in' },
    });
    expect(await r.call('beds.free', { ward: 'A' })).toEqual({ ok: true, value: 1 });
  });

  it('passes a handler error value through, and hides an unexpected throw (which may hold patient data)', async () => {
    const r = registry(nurse);
    expect(await r.call('beds.free', { ward: 'boom' })).toEqual({
      ok: false,
      error: { code: 'ward_closed', message: 'Ward boom is closed' },
    });
    const thrown = await r.call('beds.assign', { bed: 13 });
    expect(thrown).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(thrown)).not.toContain('Fatou');
  });

  it('refuses a domain registered twice, a handler missing, or one not in the contract', () => {
    const r = registry(nurse);
    expect(() => r.register('beds', { free: () => ok(1), assign: () => ok('') })).toThrow(/registered twice/);
    const partial = new Registry(demo, () => nurse, silentLogger);
    expect(() => partial.register('beds', { free: () => ok(1) } as never)).toThrow(
      /beds.assign has no handler/,
    );
    expect(() =>
      partial.register('beds', { free: () => ok(1), assign: () => ok(''), extra: () => ok(0) } as never),
    ).toThrow(/beds.extra is not in the contract/);
  });

  it('lists every channel of the real contract, and a workstation registry must cover them all', () => {
    const r = new Registry(contract, () => null, silentLogger);
    expect(r.channels()).toContain('patients.register');
    expect(r.channels()).toContain('sync.resolveConflict');
    expect(() => r.assertComplete()).toThrow(/without a handler/);
  });
});
