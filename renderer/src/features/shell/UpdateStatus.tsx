/**
 * The app's update, as one line of the status bar (`update-words.ts`); nothing when there is nothing
 * to say, which is always the case in browser mode. The tooltip holds the whole sentence (a narrow
 * window cuts it) and the detail, for IT.
 */
import { Text } from '@mantine/core';
import { useStatus } from '../../stores/status.ts';
import { updateNotice } from './update-words.ts';

export function UpdateStatus() {
  const update = useStatus((s) => s.update);
  const pending = useStatus((s) => s.status?.outboxPending ?? null);
  const notice = updateNotice(update, pending);
  if (!notice) return null;
  return (
    <Text
      size="sm"
      c={notice.tone === 'quiet' ? 'dimmed' : undefined}
      title={notice.detail ? `${notice.text}. ${notice.detail}` : notice.text}
      truncate="end"
      ta="right"
      // Only the room the bar has left (flex basis 0): the sentence is cut, never the bar's own items.
      style={{ flex: '1 1 0', minWidth: 0 }}
      data-testid="update-status"
    >
      {notice.text}
    </Text>
  );
}
