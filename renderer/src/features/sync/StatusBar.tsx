/**
 * Always at the bottom: is this PC online, when it last caught up, how many writes wait to be sent,
 * and what needs someone (conflicts, refused writes). A revoked PC, a required update, or a disk that
 * cannot take new work says so. At the right, beside "Sync now", the app's update when there is news.
 */
import { Badge, Button, Group, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { hms } from '../../lib/hms.ts';
import { ago } from '../../lib/time.ts';
import { useNavigation } from '../../stores/navigation.ts';
import { useStatus } from '../../stores/status.ts';
import { UpdateStatus } from '../shell/UpdateStatus.tsx';
import { FirstSyncProgress } from './FirstSyncProgress.tsx';

/** Short enough for the bar; the whole message (what it means, what to do) is its tooltip. */
const STORAGE_LABEL = {
  full: 'Disk full: new work is not being saved',
  damaged: 'Local database damaged: new work is not being saved',
  readonly: 'Read-only: the disk cannot take new work',
  io: 'Disk error: new work may not be saved',
} as const;

export function StatusBar() {
  const status = useStatus((s) => s.status);
  const bridgeUp = useStatus((s) => s.bridgeUp);
  const go = useNavigation((s) => s.go);
  // Re-render the "ago" once in a while.
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 15_000);
    return () => clearInterval(t);
  }, []);

  if (!bridgeUp)
    return (
      <Group component="footer" role="status" px="md" h="100%" bg="red.1">
        <Text fw={600} c="red.9">
          This window has lost its workstation process. Reconnecting…
        </Text>
      </Group>
    );
  if (!status) return null;
  return (
    <Group component="footer" role="status" aria-label="Sync status" px="md" h="100%" gap="lg" wrap="nowrap">
      {status.revoked ? (
        <Badge color="red" size="lg" data-testid="sync-state">
          Workstation revoked
        </Badge>
      ) : status.updateRequired ? (
        <Badge color="orange" size="lg" data-testid="sync-state">
          Update required before syncing again
        </Badge>
      ) : (
        <Badge color={status.online ? 'teal' : 'gray'} size="lg" data-testid="sync-state">
          {status.online ? 'Online' : 'Offline'}
        </Badge>
      )}
      {status.storage && (
        <Text size="sm" fw={600} c="red.9" data-testid="storage-fault" title={status.storage.message}>
          {STORAGE_LABEL[status.storage.kind]}
        </Text>
      )}
      {status.firstSync && (
        <div style={{ minWidth: 260 }}>
          <FirstSyncProgress />
        </div>
      )}
      <Text size="sm">
        Last sync: <span data-testid="last-sync">{ago(status.lastSyncAt)}</span>
      </Text>
      <Text size="sm" data-testid="pending" c={status.outboxPending ? 'orange.9' : undefined}>
        {status.outboxPending === 0
          ? 'All changes sent'
          : `${status.outboxPending} change${status.outboxPending === 1 ? '' : 's'} waiting to send`}
      </Text>
      {status.openConflicts > 0 && (
        <Button size="compact-sm" color="orange" onClick={() => go({ name: 'conflicts' })}>
          {status.openConflicts} conflict{status.openConflicts === 1 ? '' : 's'} to resolve
        </Button>
      )}
      {status.quarantined > 0 && (
        <Button size="compact-sm" color="red" onClick={() => go({ name: 'quarantine' })}>
          {status.quarantined} refused write{status.quarantined === 1 ? '' : 's'}
        </Button>
      )}
      {status.user?.offline && (
        <Text size="sm" c="dimmed">
          Signed in offline
        </Text>
      )}
      <UpdateStatus />
      <Button
        ml="auto"
        size="compact-sm"
        variant="subtle"
        disabled={!status.user || status.revoked}
        onClick={() => void hms.sync.syncNow()}
      >
        Sync now
      </Button>
    </Group>
  );
}
