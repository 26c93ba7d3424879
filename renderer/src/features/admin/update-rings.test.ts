import { describe, expect, it } from 'vitest';
import type { ReleaseView, UpdateRingView } from '../../../../main/common/index.ts';
import {
  afterMove,
  confirmRingChange,
  initialPick,
  isRollback,
  offering,
  releaseLabel,
  ringChangeKind,
} from './update-rings.ts';

// As the server lists them: newest version first, folders without latest.yml last.
const releases: ReleaseView[] = [
  { name: '1.2.0', version: '1.2.0', released_at: '2025-05-01T08:00:00.000Z', offerable: true },
  { name: '1.1.0', version: '1.1.0', released_at: null, offerable: true },
  { name: '1.0.0', version: '1.0.0', released_at: null, offerable: true },
  { name: '1.3.0', version: null, released_at: null, offerable: false },
];
const ring = (over: Partial<UpdateRingView> = {}): UpdateRingView => ({
  name: 'pilot',
  release: '1.1.0',
  halted: false,
  last_release: '1.1.0',
  workstations: 3,
  ...over,
});

describe('ringChangeKind', () => {
  it('tells a roll-back from a move forward by the order the server listed the releases in', () => {
    expect(ringChangeKind('1.1.0', '1.0.0', releases)).toBe('rollback');
    expect(ringChangeKind('1.1.0', '1.2.0', releases)).toBe('upgrade');
  });

  it('counts pointing a halted ring below what it offered before the halt as a roll-back', () => {
    expect(isRollback({ release: null, last_release: '1.1.0' }, '1.0.0', releases)).toBe(true);
    expect(isRollback({ release: null, last_release: '1.1.0' }, '1.1.0', releases)).toBe(false);
    expect(isRollback({ release: null, last_release: null }, '1.0.0', releases)).toBe(false);
  });

  it('names a first offer, a halt, no change, and a change from a folder no longer listed', () => {
    expect(ringChangeKind(null, '1.0.0', releases)).toBe('offer');
    expect(ringChangeKind('1.1.0', null, releases)).toBe('halt');
    expect(ringChangeKind('1.1.0', '1.1.0', releases)).toBe('same');
    expect(ringChangeKind('0.9.0', '1.0.0', releases)).toBe('switch');
  });
});

describe('confirmRingChange', () => {
  it('says a roll-back stops the newer release spreading, and that a PC which installed it keeps it', () => {
    expect(confirmRingChange(ring(), '1.0.0', releases)).toEqual({
      title: 'Roll ring pilot back from 1.1.0 to 1.0.0?',
      body:
        'The 3 PCs in ring pilot will be offered the older 1.0.0 at their next update check instead of 1.1.0. ' +
        'A PC still on 1.0.0 or older stays as it is, and one that downloaded 1.1.0 without installing it yet ' +
        'drops it.',
      caution:
        'A PC that already installed 1.1.0 keeps running it: the app never installs an older version ' +
        'over a newer one, so it waits for a release newer than 1.1.0. Reinstall 1.0.0 on such a PC by hand ' +
        'if it must go back.',
      confirm: 'Roll back to 1.0.0',
    });
  });

  it('judges a halted ring by what it offered before the halt: pointing it at an older release is a roll-back', () => {
    const halted = ring({ release: null, halted: true });
    const back = confirmRingChange(halted, '1.0.0', releases);
    expect(back.title).toBe('Roll ring pilot back from 1.1.0 to 1.0.0?');
    expect(back.body).toMatch(
      /^The 3 PCs in ring pilot will be offered the older 1\.0\.0 at their next update check instead of 1\.1\.0, which it offered until it was halted\./,
    );
    expect(back.caution).toMatch(/^A PC that already installed 1\.1\.0 keeps running it/);
    expect(confirmRingChange(halted, '1.1.0', releases).title).toBe('Resume ring pilot with 1.1.0?');
    expect(confirmRingChange(halted, '1.2.0', releases).title).toBe('Move ring pilot from 1.1.0 to 1.2.0?');
  });

  it('says a halt leaves each PC on what it runs and refuses the rest of a download', () => {
    const halt = confirmRingChange(ring({ workstations: 1 }), null, releases);
    expect(halt.title).toBe('Halt ring pilot?');
    expect(halt.body).toBe(
      'The 1 PC in ring pilot will be offered no update from its next update check. It keeps the version ' +
        'it runs now; nothing is uninstalled, and a PC still downloading 1.1.0 is refused the rest of it.',
    );
  });

  it('says a first offer and a move forward install the release', () => {
    expect(confirmRingChange(ring({ release: null, last_release: null }), '1.2.0', releases)).toMatchObject({
      title: 'Offer 1.2.0 to ring pilot?',
      body: 'The 3 PCs in ring pilot will be offered 1.2.0 at their next update check, and install it over any older version.',
      confirm: 'Offer 1.2.0',
    });
    expect(confirmRingChange(ring(), '1.2.0', releases).title).toBe('Move ring pilot from 1.1.0 to 1.2.0?');
  });

  it('says when no PC is in the ring that nothing changes on any PC now', () => {
    expect(confirmRingChange(ring({ workstations: 0 }), '1.0.0', releases)).toEqual({
      title: 'Roll ring pilot back from 1.1.0 to 1.0.0?',
      body: 'No PC is in ring pilot yet, so no PC changes now; PCs moved into it will be offered 1.0.0.',
      confirm: 'Roll back to 1.0.0',
    });
  });
});

describe('afterMove', () => {
  it('says what the PC will be offered in its new ring', () => {
    expect(afterMove('Ward B desk', 'pilot', [ring()])).toBe(
      'Ward B desk is now in ring pilot: it will be offered 1.1.0 at its next update check.',
    );
  });

  it('warns that a new ring, or a halted one, offers nothing until it is pointed at a release', () => {
    expect(afterMove('Ward B desk', 'ward-b', [ring()])).toBe(
      'Ward B desk is now in ring ward-b, which offers no release yet: it will be offered no update until ward-b is pointed at a release.',
    );
    expect(afterMove('Ward B desk', 'pilot', [ring({ release: null, halted: true })])).toMatch(
      /offers no release \(halted\)/,
    );
  });
});

describe('what a ring row shows', () => {
  it('names the release offered, or why there is none', () => {
    expect(offering(ring())).toBe('1.1.0');
    expect(offering(ring({ release: null, halted: true }))).toBe('halted (was 1.1.0)');
    expect(offering(ring({ release: null, last_release: null }))).toBe('nothing yet');
  });

  it('starts the picker on the current release, else on the newest that can be offered', () => {
    expect(initialPick(ring(), releases)).toBe('1.1.0');
    expect(initialPick(ring({ release: null }), releases)).toBe('1.2.0');
    expect(initialPick(ring({ release: 'gone' }), releases)).toBe('1.2.0');
    expect(initialPick(ring(), [])).toBe('');
  });

  it('labels a release by folder, a differing version and its date', () => {
    const date = (iso: string) => iso.slice(0, 10);
    expect(releaseLabel(releases[0] as ReleaseView, date)).toBe('1.2.0, released 2025-05-01');
    expect(releaseLabel({ name: 'hotfix', version: '1.1.1', released_at: null, offerable: true }, date)).toBe(
      'hotfix (version 1.1.1)',
    );
  });
});
