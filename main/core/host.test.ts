/**
 * A host whose database key comes from a passphrase: locked until the right passphrase is typed,
 * a wrong one refused in words (nothing opened, nothing overwritten), the key never on disk.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkstationHost } from './host.ts';
import { hasPassphrase, keyFromPassphrase } from './key-file.ts';

describe('a host unlocked by passphrase', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const open = (dataDir: string) =>
    WorkstationHost.open({
      dataDir,
      key: { fromPassphrase: (p) => keyFromPassphrase(dataDir, p), firstTime: () => !hasPassphrase(dataDir) },
    });

  it('stays locked until its passphrase, refuses a wrong one, and never writes the key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hms-host-'));
    dirs.push(dataDir);
    const first = await open(dataDir);
    expect(first.state()).toMatchObject({ locked: true, firstPassphrase: true, enrolled: false });
    expect(await first.call('patients.search', { query: 'a' })).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    expect(await first.call('setup.unlock', { passphrase: 'short' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_arguments' },
    });
    expect(await first.call('setup.unlock', { passphrase: 'ward b night shift 2026' })).toMatchObject({
      ok: true,
      value: { locked: false, enrolled: false },
    });
    await first.stop();

    const again = await open(dataDir);
    expect(again.state()).toMatchObject({ locked: true, firstPassphrase: false });
    const wrong = await again.call('setup.unlock', { passphrase: 'ward a night shift 2026' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'wrong_passphrase' } });
    expect(wrong.ok ? [] : wrong.error.issues?.map((i) => i.field)).toEqual(['passphrase']);
    expect(again.state().locked).toBe(true);
    expect(await again.call('setup.unlock', { passphrase: 'ward b night shift 2026' })).toMatchObject({
      ok: true,
    });
    await again.stop();

    // On disk: the database and the salt, no key (neither file holds the derived key).
    const key = keyFromPassphrase(dataDir, 'ward b night shift 2026');
    for (const f of readdirSync(dataDir))
      expect(readFileSync(join(dataDir, f)).toString('latin1')).not.toContain(key);
  });
});
