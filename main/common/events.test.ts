/**
 * The events of the contract: the core's and the shell's travel on one channel under their names, so
 * a name may belong to one side only, and every event a page may hear is listed on its side (the
 * browser mode and the core relay `HMS_EVENTS`; the preload keeps the last of `SHELL_EVENTS`).
 */
import { describe, expect, it } from 'vitest';
import { HMS_EVENTS, type PageEventName, SHELL_EVENTS } from './index.ts';

/** Every event name of `PageEvents`: a new event that is left out here does not compile. */
const EVERY_EVENT: Record<PageEventName, 'core' | 'shell'> = {
  change: 'core',
  status: 'core',
  update: 'shell',
};

describe('the contract’s events', () => {
  it('lists each event on exactly one side: the core’s or the shell’s', () => {
    expect(HMS_EVENTS.filter((e) => (SHELL_EVENTS as readonly string[]).includes(e))).toEqual([]);
    const side = (name: PageEventName) =>
      (HMS_EVENTS as readonly string[]).includes(name)
        ? 'core'
        : SHELL_EVENTS.includes(name as never)
          ? 'shell'
          : null;
    for (const [name, expected] of Object.entries(EVERY_EVENT))
      expect([name, side(name as PageEventName)]).toEqual([name, expected]);
  });

  it('keeps the updater’s state to the shell: the core and the browser mode never relay `update`', () => {
    expect(HMS_EVENTS).not.toContain('update');
    expect(SHELL_EVENTS).toEqual(['update']);
  });
});
