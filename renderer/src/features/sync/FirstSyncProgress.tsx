/** The first download of a newly enrolled PC, record by record, until everything it holds has arrived. */
import { Progress, Stack, Text } from '@mantine/core';
import { useStatus } from '../../stores/status.ts';

export function FirstSyncProgress() {
  const first = useStatus((s) => s.status?.firstSync ?? null);
  if (!first) return null;
  const { tablesDone, tablesTotal, rowsDone, rowsTotal } = first;
  const byRows = rowsTotal !== null && rowsDone !== null && rowsTotal > 0;
  const fraction = byRows ? rowsDone / rowsTotal : tablesTotal ? tablesDone / tablesTotal : 0;
  return (
    <Stack gap={4} role="status" aria-label="First download">
      <Text size="sm">
        {tablesTotal === 0
          ? 'Asking the server what this PC holds…'
          : byRows
            ? `Downloading this PC's data: ${rowsDone.toLocaleString('en')} of ${rowsTotal.toLocaleString('en')} records (${tablesDone} of ${tablesTotal} tables complete)`
            : `Downloading this PC's data: ${tablesDone} of ${tablesTotal} tables`}
      </Text>
      <Progress value={100 * fraction} aria-label="First download progress" animated size="sm" />
    </Stack>
  );
}
