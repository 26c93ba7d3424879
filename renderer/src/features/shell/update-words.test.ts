import { describe, expect, it } from 'vitest';
import type { UpdateState } from '../../../../main/common/index.ts';
import { updateNotice } from './update-words.ts';

const ready = (install: 'now' | 'on-quit' | 'wait'): UpdateState => ({
  kind: 'ready',
  version: '1.4.0',
  install,
});
const failed = (reason: 'offline' | 'refused' | 'corrupt' | 'error'): UpdateState => ({
  kind: 'failed',
  reason,
  message: reason === 'offline' ? 'net::ERR_CONNECTION_REFUSED' : '',
});
const text = (update: UpdateState | null, pending: number | null = 0) =>
  updateNotice(update, pending)?.text ?? null;

describe('updateNotice', () => {
  it('says nothing without an updater (browser mode), nor when there is nothing to know', () => {
    expect(text(null)).toBeNull();
    for (const update of [
      { kind: 'idle' },
      { kind: 'disabled' },
      { kind: 'checking' },
      { kind: 'current', version: '1.3.0' },
      { kind: 'not-offered' },
    ] as const)
      expect(text(update)).toBeNull();
  });

  it('says when a ready update goes in', () => {
    expect(text(ready('on-quit'))).toBe('Update 1.4.0 ready: installs when you quit');
    expect(text(ready('now'))).toBe('Update 1.4.0 installing: the app restarts');
    expect(updateNotice(ready('on-quit'), 0)?.tone).toBe('info');
  });

  it('says how many of this PC’s changes a waiting update waits for, in the singular too', () => {
    expect(text(ready('wait'), 3)).toBe('Update 1.4.0 waits until your 3 changes reach the server');
    expect(text(ready('wait'), 1)).toBe('Update 1.4.0 waits until your change reaches the server');
    // The core has not said its status yet: no number to give.
    expect(text(ready('wait'), null)).toBe('Update 1.4.0 waits until every change has reached the server');
  });

  it('says a failure quietly, that it will be retried, and keeps the technical line for IT’s tooltip', () => {
    expect(updateNotice(failed('offline'), 0)).toEqual({
      text: 'Update check failed: server unreachable (will retry)',
      tone: 'quiet',
      detail: 'net::ERR_CONNECTION_REFUSED',
    });
    expect(text(failed('refused'))).toBe('Update check refused by the server (ask IT)');
    expect(text(failed('corrupt'))).toBe('Update download was damaged and discarded (will retry)');
    expect(updateNotice(failed('error'), 0)).toMatchObject({ tone: 'quiet', detail: null });
  });

  it('says a download in progress quietly, with its progress', () => {
    expect(updateNotice({ kind: 'downloading', version: '1.4.0', percent: 42 }, 0)).toEqual({
      text: 'Downloading update 1.4.0 (42%)',
      tone: 'quiet',
      detail: null,
    });
  });

  it('keeps every sentence short enough for the status bar', () => {
    const all: UpdateState[] = [
      ready('on-quit'),
      ready('now'),
      ready('wait'),
      failed('offline'),
      failed('refused'),
      failed('corrupt'),
      failed('error'),
      { kind: 'downloading', version: '10.12.3', percent: 100 },
    ];
    for (const update of all) expect(text(update, 999)?.length ?? 0).toBeLessThanOrEqual(64);
  });
});
