/**
 * Quitting (or installing an update) while this PC holds writes the server has not accepted: they are
 * safe on disk and go out at the next start, but whoever quits should know how many and since when.
 */
import type { WorkstationStatus } from '../common/index.ts';

export function quitWarning(
  status: Pick<WorkstationStatus, 'outboxPending' | 'oldestPendingAt'>,
  now = Date.now(),
) {
  const n = status.outboxPending;
  if (n === 0) return null;
  const minutes = status.oldestPendingAt
    ? Math.max(0, Math.round((now - Date.parse(status.oldestPendingAt)) / 60_000))
    : null;
  return (
    `${n} change${n === 1 ? '' : 's'} made on this PC ${n === 1 ? 'has' : 'have'} not reached the server yet` +
    (minutes === null
      ? ''
      : minutes < 1
        ? ' (the oldest from less than a minute ago)'
        : ` (the oldest from ${minutes} min ago)`) +
    '. They are kept on this PC and sent when the app runs again with the server in reach.'
  );
}
