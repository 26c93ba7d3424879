import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Session } from './session.ts';
import { json, newId, openTestDb, type TestDb } from './test-support.ts';

const userId = newId();

describe('session', () => {
  let t: TestDb;
  let up = true;
  let grants = 0;
  const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
    if (!up) throw new TypeError('fetch failed');
    const u = String(url);
    if (u.endsWith('/api/auth/login')) {
      const b = JSON.parse(String(init?.body)) as { username: string; password: string };
      if (b.username.toLowerCase() === 'awa' && b.password === 'correct horse')
        return json(200, {
          access: 'acc',
          refresh: 'ref',
          user: { id: userId, username: 'awa', first_name: 'Awa', last_name: 'Jallow', role: 'nurse' },
        });
      return json(401, { error: 'invalid_credentials' });
    }
    if (u.endsWith('/api/sync/grants')) {
      grants++;
      const h = new Headers(init?.headers);
      expect(h.get('authorization')).toBe('Bearer acc');
      expect(h.get('x-workstation-token')).toBe('ws-token');
      return json(200, { user_id: userId, grant: `grant-number-${grants}-xxxxxxxx` });
    }
    return json(404, { error: 'not_found' });
  }) as typeof fetch;

  beforeEach(() => {
    t = openTestDb();
    up = true;
    grants = 0;
  });
  afterEach(() => t.cleanup());
  const make = () =>
    new Session({
      sqlite: t.local.sqlite,
      server: 'http://s',
      workstationToken: () => 'ws-token',
      fetch: fetchFn,
    });

  it('logs in online, stores a local verifier and the grant; logs in offline afterwards', async () => {
    const s = make();
    const r = await s.login('Awa', 'correct horse');
    expect(r).toMatchObject({ ok: true, value: { id: userId, role: 'nurse', offline: false } });
    const row = t.local.sqlite.prepare('SELECT * FROM offline_users').get() as Record<string, string>;
    expect(row.username).toBe('awa');
    expect(row.verifier).toMatch(/^\$argon2id\$/);
    expect(row.grant).toBe('grant-number-1-xxxxxxxx');
    s.logout();
    expect(s.currentUser()).toBeNull();

    up = false;
    const off = await s.login('awa', 'correct horse');
    expect(off).toMatchObject({ ok: true, value: { id: userId, offline: true } });
    s.logout();
    expect(await s.login('awa', 'wrong')).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials' },
    });
    expect(await s.login('someone', 'x')).toMatchObject({
      ok: false,
      error: { code: 'unknown_offline_user' },
    });
  });

  it('a wrong password online is refused, never checked against the local verifier', async () => {
    const s = make();
    await s.login('awa', 'correct horse');
    const r = await s.login('awa', 'old password');
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
  });

  it('locks offline attempts after repeated failures', async () => {
    const s = make();
    await s.login('awa', 'correct horse');
    up = false;
    for (let i = 0; i < 5; i++) await s.login('awa', 'bad');
    expect(await s.login('awa', 'correct horse')).toMatchObject({ ok: false, error: { code: 'locked' } });
  });
});
