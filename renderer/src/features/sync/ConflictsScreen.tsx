/**
 * The conflict queue: two PCs changed the same field while apart. Both values side by side with who
 * wrote them and when; keep one, or type the value that merges them, and say why. The choice goes to
 * the row as a new version on every PC, and the author whose value lost is told.
 */
import {
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import type { ConflictView } from '../../../../main/common/index.ts';
import { hms } from '../../lib/hms.ts';
import { Problem } from '../../lib/Notice.tsx';
import { ago } from '../../lib/time.ts';
import { useTablesVersion } from '../../lib/use-tables-version.ts';
import { shortId, showValue, words } from './values.ts';

function ConflictCard({ c }: { c: ConflictView }) {
  const [choice, setChoice] = useState<'local' | 'server' | 'value'>('server');
  const [merged, setMerged] = useState(
    showValue(c.serverValue) === '(empty)' ? '' : showValue(c.serverValue),
  );
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const resolve = async () => {
    setBusy(true);
    const r = await hms.sync.resolveConflict({
      id: c.id,
      choice,
      note,
      ...(choice === 'value' ? { value: merged } : {}),
    });
    setBusy(false);
    if (!r.ok) setProblem(r.error.message);
  };

  return (
    <Paper
      withBorder
      p="md"
      component="article"
      aria-label={`Conflict on ${words(c.table)} ${words(c.field)}`}
    >
      <Stack gap="sm">
        <Group justify="space-between">
          <Text fw={700}>
            {words(c.table)}: {c.kind === 'field' ? words(c.field) : 'deleted on one PC, changed on another'}
          </Text>
          <Text size="xs" c="dimmed">
            record …{shortId(c.rowId)} · raised {ago(c.createdAt)}
          </Text>
        </Group>
        <SimpleGrid cols={2}>
          <Paper bg="blue.0" p="sm">
            <Text size="xs" c="dimmed">
              Sent by {c.localAuthorName ?? `user …${shortId(c.localAuthorId)}`}
              {c.localDeviceTime ? `, typed ${ago(c.localDeviceTime)}` : ''}
            </Text>
            <Text fw={600} data-testid="local-value">
              {showValue(c.localValue)}
            </Text>
          </Paper>
          <Paper bg="grape.0" p="sm">
            <Text size="xs" c="dimmed">
              Already on the server, by {c.serverAuthorName ?? `user …${shortId(c.serverAuthorId)}`}
            </Text>
            <Text fw={600} data-testid="server-value">
              {showValue(c.serverValue)}
            </Text>
          </Paper>
        </SimpleGrid>
        <Text size="sm">
          Until someone decides, the record shows <b>{showValue(c.provisionalValue)}</b>.
        </Text>
        {c.status === 'resolved' ? (
          <Badge color="teal">Resolved: {showValue(c.resolutionValue)}</Badge>
        ) : (
          <>
            <Problem text={problem} />
            <SegmentedControl
              aria-label="Which value to keep"
              value={choice}
              onChange={(v) => setChoice(v as typeof choice)}
              data={[
                { value: 'local', label: 'Keep the sent value' },
                { value: 'server', label: "Keep the server's value" },
                ...(c.kind === 'field' ? [{ value: 'value', label: 'Enter a merged value' }] : []),
              ]}
            />
            {choice === 'value' && (
              <TextInput
                label="Merged value"
                value={merged}
                onChange={(e) => setMerged(e.currentTarget.value)}
              />
            )}
            <Textarea
              label="Why this value"
              withAsterisk
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
            />
            <Group>
              <Button loading={busy} disabled={!note.trim()} onClick={() => void resolve()}>
                Resolve
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}

export function ConflictsScreen() {
  const [items, setItems] = useState<ConflictView[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const version = useTablesVersion(['sync_conflicts']);
  useEffect(() => {
    void version;
    void hms.sync.conflicts({ status: 'open' }).then((r) => {
      if (r.ok) setItems(r.value);
      else setProblem(r.error.message);
    });
  }, [version]);

  return (
    <Stack>
      <Title order={1} size="h3">
        Sync conflicts
      </Title>
      <Problem text={problem} />
      {items?.length === 0 && <Text c="dimmed">No open conflicts.</Text>}
      {items?.map((c) => (
        <ConflictCard key={c.id} c={c} />
      ))}
    </Stack>
  );
}
