/**
 * The app's update in the status bar, in a ward user's words. Said only when there is something to
 * know: nothing while checking, up to date, or when the ring offers nothing (a halted rollout is IT's
 * business, not the ward's). A failure is background news for IT, said quietly: the updater tries
 * again by itself, and the app works on as it is.
 */
import type { UpdateState } from '../../../../main/common/index.ts';

export interface UpdateNotice {
  text: string;
  /** `info`: worth a glance (an update is ready); `quiet`: background news, dimmed, never an alarm. */
  tone: 'info' | 'quiet';
  /** More for ward IT, shown as the tooltip. */
  detail: string | null;
}

const changes = (n: number) => (n === 1 ? 'your change reaches' : `your ${n} changes reach`);

const FAILED = {
  offline: 'Update check failed: server unreachable (will retry)',
  refused: 'Update check refused by the server (ask IT)',
  corrupt: 'Update download was damaged and discarded (will retry)',
  error: 'Update check failed (will retry)',
} as const;

/**
 * What the status bar says of `update` (null: nothing, which is also the browser mode's case, where
 * no updater runs). `pending`: this PC's changes not yet sent, for an update that waits for them.
 */
export function updateNotice(update: UpdateState | null, pending: number | null): UpdateNotice | null {
  if (!update) return null;
  switch (update.kind) {
    case 'idle':
    case 'disabled':
    case 'checking':
    case 'current':
    case 'not-offered':
      return null;
    case 'downloading':
      return {
        text: `Downloading update ${update.version} (${update.percent}%)`,
        tone: 'quiet',
        detail: null,
      };
    case 'ready': {
      const v = update.version;
      if (update.install === 'now')
        return { text: `Update ${v} installing: the app restarts`, tone: 'info', detail: null };
      if (update.install === 'on-quit')
        return {
          text: `Update ${v} ready: installs when you quit`,
          tone: 'info',
          detail: 'Nothing to do: the update goes in the next time the app is closed.',
        };
      return {
        text: pending
          ? `Update ${v} waits until ${changes(pending)} the server`
          : `Update ${v} waits until every change has reached the server`,
        tone: 'info',
        detail:
          'Changes made on this PC reach the server first, so none is stranded by the update. It installs ' +
          'when you quit once they are sent.',
      };
    }
    case 'failed':
      return { text: FAILED[update.reason], tone: 'quiet', detail: update.message || null };
  }
}
