/** The first download of a newly enrolled PC, table by table, until everything it holds has arrived. */
import { Progress, Stack, Text } from '@mantine/core';
import { useStatus } from '../../stores/status.ts';

export function FirstSyncProgress() {
  const first = useStatus((s) => s.status?.firstSync ?? null);
  if (!first) return null;
  const { tablesDone, tablesTotal } = first;
  return (
    <Stack gap={4} role="status" aria-label="First download">
      <Text size="sm">
        {tablesTotal === 0
          ? 'Asking the server what this PC holds…'
          : `Downloading this PC's data: ${tablesDone} of ${tablesTotal} tables`}
      </Text>
      <Progress
        value={tablesTotal ? (100 * tablesDone) / tablesTotal : 0}
        aria-label="First download progress"
        animated
        size="sm"
      />
    </Stack>
  );
}
