/**
 * What the update-rings screen says, as pure functions: what a ring offers, whether pointing it at
 * another release moves it forward or rolls it back, and the sentence an admin confirms before the
 * PCs in the ring are affected. "Older" is the server's order (its list is newest version first), so
 * versions are compared in one place only.
 */
import type { ReleaseView, UpdateRingView } from '../../../../main/common/index.ts';

export type RingChangeKind = 'same' | 'offer' | 'upgrade' | 'rollback' | 'switch' | 'halt';

/** What pointing a ring that offers `from` at `to` is (null: nothing offered / halt). */
export function ringChangeKind(
  from: string | null,
  to: string | null,
  releases: readonly ReleaseView[],
): RingChangeKind {
  if (from === to) return 'same';
  if (to === null) return 'halt';
  if (from === null) return 'offer';
  const [i, j] = [releases.findIndex((r) => r.name === from), releases.findIndex((r) => r.name === to)];
  // The current release's folder was removed (or renamed): neither direction can be told.
  if (i < 0 || j < 0) return 'switch';
  return j > i ? 'rollback' : 'upgrade';
}

/** What a ring offers, in a few words for its row. */
export function offering(ring: Pick<UpdateRingView, 'release' | 'halted' | 'last_release'>): string {
  if (ring.release) return ring.release;
  if (!ring.halted) return 'nothing yet';
  return ring.last_release ? `halted (was ${ring.last_release})` : 'halted';
}

/** Whether offering `to` takes the ring back to an older release than it offers, or offered before a halt. */
export const isRollback = (
  ring: Pick<UpdateRingView, 'release' | 'last_release'>,
  to: string | null,
  releases: readonly ReleaseView[],
) => ringChangeKind(ring.release ?? ring.last_release, to, releases) === 'rollback';

/** The release a ring's picker starts on: what it offers now, else the newest that can be offered. */
export function initialPick(ring: Pick<UpdateRingView, 'release'>, releases: readonly ReleaseView[]): string {
  const offerable = releases.filter((r) => r.offerable);
  if (ring.release && offerable.some((r) => r.name === ring.release)) return ring.release;
  return offerable[0]?.name ?? '';
}

export interface Confirmation {
  title: string;
  /** What happens to the PCs in the ring, in sentences. */
  body: string;
  /** What the admin might expect to happen and will not, set apart so it is read. */
  caution?: string;
  /** The confirming button's words. */
  confirm: string;
}

const who = (ring: UpdateRingView) =>
  ring.workstations === 1
    ? `The 1 PC in ring ${ring.name}`
    : `The ${ring.workstations} PCs in ring ${ring.name}`;
const its = (ring: UpdateRingView) => (ring.workstations === 1 ? 'its' : 'their');

/**
 * The question an admin answers before a ring offers `to` (null: is halted). A halted ring is judged
 * from what it offered before the halt: its PCs may have installed that release, so pointing it at
 * an older one is still a roll-back for them, and must be said to be.
 *
 * What a roll-back does on a PC is the updater's rule, not the server's: electron-updater installs
 * only a newer version (its `allowDowngrade` is off, and main/electron/updater.ts leaves it so), and
 * drops an update it downloaded but did not install once the ring offers an older one. So a PC that
 * installed the newer release keeps it; the admin must hear that before saying yes, not find out.
 */
export function confirmRingChange(
  ring: UpdateRingView,
  to: string | null,
  releases: readonly ReleaseView[],
): Confirmation {
  const before = ring.release ?? ring.last_release;
  const was = ring.release ?? `${before}, which it offered until it was halted`;
  const none = ring.workstations === 0;
  const empty = `No PC is in ring ${ring.name} yet, so no PC changes now;`;
  const next = `at ${its(ring)} next update check`;
  if (to === null)
    return {
      title: `Halt ring ${ring.name}?`,
      body: none
        ? `${empty} PCs moved into it later will be offered no update until it is pointed at a release again.`
        : `${who(ring)} will be offered no update from ${its(ring)} next update check. ` +
          `${ring.workstations === 1 ? 'It keeps the version it runs' : 'They keep the version they run'} now; ` +
          `nothing is uninstalled${ring.release ? `, and a PC still downloading ${ring.release} is refused the rest of it` : ''}.`,
      confirm: `Halt ${ring.name}`,
    };
  switch (ringChangeKind(before, to, releases)) {
    case 'halt': // not with a release to offer: here for the compiler's exhaustiveness
    case 'same':
    case 'offer':
      return {
        title:
          ring.release === null && before
            ? `Resume ring ${ring.name} with ${to}?`
            : `Offer ${to} to ring ${ring.name}?`,
        body: none
          ? `${empty} PCs moved into it will be offered ${to}.`
          : `${who(ring)} will be offered ${to} ${next}, and install it over any older version.`,
        confirm: `Offer ${to}`,
      };
    case 'upgrade':
    case 'switch':
      return {
        title: `Move ring ${ring.name} from ${before} to ${to}?`,
        body: none
          ? `${empty} PCs moved into it will be offered ${to}.`
          : `${who(ring)} will be offered ${to} ${next} instead of ${was}, and install it over any older version.`,
        confirm: `Offer ${to}`,
      };
    case 'rollback':
      return {
        title: `Roll ring ${ring.name} back from ${before} to ${to}?`,
        body: none
          ? `${empty} PCs moved into it will be offered ${to}.`
          : `${who(ring)} will be offered the older ${to} ${next} instead of ${was}. ` +
            `A PC still on ${to} or older stays as it is, and one that downloaded ${before} without ` +
            `installing it yet drops it.`,
        ...(none
          ? {}
          : {
              caution:
                `A PC that already installed ${before} keeps running it: the app never installs an older ` +
                `version over a newer one, so it waits for a release newer than ${before}. Reinstall ${to} ` +
                `on such a PC by hand if it must go back.`,
            }),
        confirm: `Roll back to ${to}`,
      };
  }
}

/** What moving a PC into `ringName` means for it, said once it is done (`rings`: as before the move). */
export function afterMove(pc: string, ringName: string, rings: readonly UpdateRingView[]): string {
  const ring = rings.find((r) => r.name === ringName);
  if (ring?.release)
    return `${pc} is now in ring ${ringName}: it will be offered ${ring.release} at its next update check.`;
  return (
    `${pc} is now in ring ${ringName}, which offers no release${ring?.halted ? ' (halted)' : ' yet'}: ` +
    `it will be offered no update until ${ringName} is pointed at a release.`
  );
}

/** A release as the picker lists it: folder, the version its latest.yml states if it differs, date. */
export function releaseLabel(r: ReleaseView, date: (iso: string) => string): string {
  const version = r.version && r.version !== r.name ? ` (version ${r.version})` : '';
  return `${r.name}${version}${r.released_at ? `, released ${date(r.released_at)}` : ''}`;
}
