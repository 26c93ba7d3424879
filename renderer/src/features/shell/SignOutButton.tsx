/**
 * Signing out while this PC still holds unsent writes says how many and since when: they keep
 * uploading under their author's name after sign-out, but whoever signs out should know. If they
 * are all sent while the question is open, the sign-out goes ahead.
 */
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ago } from '../../lib/time.ts';
import { useSession } from '../../stores/session.ts';
import { useStatus } from '../../stores/status.ts';

export function SignOutButton() {
  const signOut = useSession((s) => s.signOut);
  const status = useStatus((s) => s.status);
  const [asking, setAsking] = useState(false);
  const pending = status?.outboxPending ?? 0;
  // The last writes went up while the question was open (a chart view recorded a moment before):
  // nothing is left to warn about, so do what was asked.
  useEffect(() => {
    if (asking && pending === 0) {
      setAsking(false);
      void signOut();
    }
  }, [asking, pending, signOut]);

  return (
    <>
      <Button variant="default" size="xs" onClick={() => (pending > 0 ? setAsking(true) : void signOut())}>
        Sign out
      </Button>
      <Modal opened={asking} onClose={() => setAsking(false)} title="Changes not yet sent" centered>
        <Stack>
          <Alert color="orange">
            {pending} change{pending === 1 ? '' : 's'} made on this PC {pending === 1 ? 'has' : 'have'} not
            reached the server yet (the oldest from {ago(status?.oldestPendingAt ?? null)}).
          </Alert>
          <Text size="sm">
            They stay on this PC and are sent under their author's name as soon as the server can be reached,
            whoever is signed in. Keep this PC switched on and connected until the status bar says “All
            changes sent”.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(false)}>
              Stay signed in
            </Button>
            <Button color="orange" onClick={() => void signOut()}>
              Sign out anyway
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
