/**
 * Update rings, for admins, on the Workstations screen (a PC's ring is set in the list of PCs): each
 * ring with the release it offers and how many PCs are in it; point a ring at a release folder of the
 * server's, roll it back to an older one, or halt it. Every change says first what will happen to
 * the PCs in that ring and waits for a yes: it reaches every PC in the ring at its next check.
 */
import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  NativeSelect,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useId, useState } from 'react';
import type { ReleaseView, UpdateRingView } from '../../../../main/common/index.ts';
import { hms } from '../../lib/hms.ts';
import { Done, Problem } from '../../lib/Notice.tsx';
import { formatDate } from '../../lib/time.ts';
import { confirmRingChange, initialPick, isRollback, offering, releaseLabel } from './update-rings.ts';

interface Props {
  rings: UpdateRingView[];
  releases: ReleaseView[];
  /** Reloads rings, releases and PCs after a change. */
  onChanged: () => void;
}

export function UpdateRingsPanel({ rings, releases, onChanged }: Props) {
  const titleId = useId();
  const [picks, setPicks] = useState<Record<string, string>>({});
  const [asking, setAsking] = useState<{ ring: UpdateRingView; to: string | null } | null>(null);
  // Apart from `asking`, so the dialog keeps its words while it fades out.
  const [open, setOpen] = useState(false);
  const ask = (ring: UpdateRingView, to: string | null) => {
    setAsking({ ring, to });
    setOpen(true);
  };
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const offerable = releases.filter((r) => r.offerable);
  const pickOf = (ring: UpdateRingView) => picks[ring.name] ?? initialPick(ring, releases);

  const apply = async () => {
    if (!asking) return;
    const { ring, to } = asking;
    setBusy(true);
    setProblem(null);
    setDone(null);
    const r = await hms.admin.pointUpdateRing({ ring: ring.name, release: to });
    setBusy(false);
    setOpen(false);
    if (!r.ok) return setProblem(`Ring ${ring.name} was not changed: ${r.error.message}`);
    setDone(to ? `Ring ${ring.name} now offers ${to}.` : `Ring ${ring.name} is halted: it offers nothing.`);
    onChanged();
  };
  const question = asking && confirmRingChange(asking.ring, asking.to, releases);
  const warning = asking && (asking.to === null || isRollback(asking.ring, asking.to, releases));

  return (
    <Paper withBorder p="md" component="section" aria-labelledby={titleId}>
      <Stack>
        <Title order={2} size="h4" id={titleId}>
          Update rings
        </Title>
        <Text size="sm">
          Each PC takes desktop updates from its ring (move a PC in the list above). Try a release on a small
          ring first, such as a pilot ward's PCs, then offer it to the others. A ring offers nothing until it
          is pointed at a release.
        </Text>
        <Problem text={problem} />
        <Done text={done} />
        <Table aria-label="Rings" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Ring</Table.Th>
              <Table.Th>Offers</Table.Th>
              <Table.Th>PCs</Table.Th>
              <Table.Th>Change</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rings.map((ring) => {
              const pick = pickOf(ring);
              const back = isRollback(ring, pick, releases);
              return (
                <Table.Tr key={ring.name}>
                  <Table.Td>
                    <Text fw={600} size="sm">
                      {ring.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      // Never pointed is a fact, not an alarm: outlined; halted is.
                      variant={ring.release || ring.halted ? 'filled' : 'outline'}
                      color={ring.release ? 'teal' : ring.halted ? 'red' : 'gray'}
                      tt="none"
                      data-testid={`offers-${ring.name}`}
                    >
                      {offering(ring)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{ring.workstations}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap" align="center">
                      <NativeSelect
                        aria-label={`Release for ring ${ring.name}`}
                        size="xs"
                        miw={220}
                        data={
                          offerable.length
                            ? offerable.map((r) => ({ value: r.name, label: releaseLabel(r, formatDate) }))
                            : [{ value: '', label: 'no release on the server' }]
                        }
                        value={pick}
                        onChange={(e) => {
                          const value = e.currentTarget.value;
                          setPicks((p) => ({ ...p, [ring.name]: value }));
                        }}
                      />
                      <Button
                        size="compact-sm"
                        variant={back ? 'light' : 'filled'}
                        color={back ? 'orange' : undefined}
                        disabled={!pick || pick === ring.release}
                        onClick={() => ask(ring, pick)}
                      >
                        {back ? 'Roll back…' : 'Offer…'}
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="default"
                        disabled={!ring.release}
                        onClick={() => ask(ring, null)}
                      >
                        Halt…
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        <Title order={3} size="h5">
          Releases on the server
        </Title>
        {releases.length === 0 ? (
          <Text size="sm">
            No release on the server yet. Publish a built release on the server with npm run release:publish
            (it checks the files and copies them into HMS_RELEASES_DIR), then point a ring at it here.
          </Text>
        ) : (
          <Table aria-label="Releases on the server" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Folder</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Released</Table.Th>
                <Table.Th>Offered by</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {releases.map((r) => {
                const by = rings.filter((g) => g.release === r.name).map((g) => g.name);
                return (
                  <Table.Tr key={r.name}>
                    <Table.Td>{r.name}</Table.Td>
                    <Table.Td>{r.version ?? '—'}</Table.Td>
                    <Table.Td>{formatDate(r.released_at)}</Table.Td>
                    <Table.Td>
                      {r.offerable ? (
                        by.join(', ') || '—'
                      ) : (
                        <Text size="sm" c="orange.9">
                          cannot be offered: no latest.yml in this folder
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <Modal
        opened={open && question !== null}
        onClose={() => setOpen(false)}
        title={question?.title}
        closeButtonProps={{ 'aria-label': 'Close' }}
        size="lg"
        centered
      >
        <Stack>
          <Text size="sm">{question?.body}</Text>
          {question?.caution && (
            <Alert color="orange" variant="light">
              {question.caution}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button color={warning ? 'orange' : undefined} loading={busy} onClick={() => void apply()}>
              {question?.confirm}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
