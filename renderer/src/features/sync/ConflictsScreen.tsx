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
  Title,
} from '@mantine/core';
import { type ReactNode, useEffect, useState } from 'react';
import type { ConflictView } from '../../../../main/common/index.ts';
import { hms } from '../../lib/hms.ts';
import { fieldLabel, inSentence, sentence, tableLabel } from '../../lib/labels.ts';
import { Problem } from '../../lib/Notice.tsx';
import { ago } from '../../lib/time.ts';
import { useTablesVersion } from '../../lib/use-tables-version.ts';
import { FieldBox } from './FieldBox.tsx';
import { type Box, boxFor, fromBox, toBox } from './refused-fields.ts';
import { type ConflictSide, conflictSides, shortId, showValue } from './values.ts';

/** A moment as the wards read it ("4 min ago"), the exact time on hover. */
function When({ iso }: { iso: string | null }) {
  if (!iso) return <>not recorded</>;
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()}>
      {ago(iso)}
    </time>
  );
}

function Side({ s }: { s: ConflictSide }) {
  const line = (label: string, value: ReactNode, testId: string) => (
    <Text size="sm" data-testid={`${s.side}-${testId}`}>
      <Text span c="dimmed" size="sm">
        {label}{' '}
      </Text>
      {value}
    </Text>
  );
  return (
    <Paper
      component="section"
      aria-label={s.title}
      bg={s.side === 'local' ? 'blue.0' : 'grape.0'}
      p="sm"
      radius="sm"
    >
      <Stack gap={4}>
        <Text size="xs" fw={600} c="dimmed">
          {s.title}
        </Text>
        <Text fw={600} size="lg" data-testid={`${s.side}-value`}>
          {s.value}
        </Text>
        {line('By', s.author, 'author')}
        {line('On', s.workstation, 'workstation')}
        {line(sentence(s.when), <When iso={s.at} />, 'time')}
      </Stack>
    </Paper>
  );
}

function ConflictCard({ c }: { c: ConflictView }) {
  const [choice, setChoice] = useState<'local' | 'server' | 'value'>('server');
  // The merged value is typed in the box its column calls for (a yes/no as a checkbox, a list as a select).
  const found = c.field ? boxFor(c.table, c.field, c.serverValue) : null;
  const box: Box = !found || found.kind === 'id' ? { kind: 'text', long: false } : found;
  const [merged, setMerged] = useState<string | boolean>(() => toBox(box, c.serverValue));
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const resolve = async () => {
    setBusy(true);
    const r = await hms.sync.resolveConflict({
      id: c.id,
      choice,
      note,
      ...(choice === 'value' ? { value: fromBox(box, merged) } : {}),
    });
    setBusy(false);
    if (!r.ok) setProblem(r.error.message);
  };

  const what = c.field ? fieldLabel(c.field, c.table) : 'deleted on one PC, changed on another';
  return (
    <Paper
      withBorder
      p="md"
      component="article"
      aria-label={`Conflict on ${inSentence(tableLabel(c.table))}: ${inSentence(what)}`}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="baseline">
          <Text fw={700}>
            {tableLabel(c.table)}: {what}
          </Text>
          <Text size="xs" c="dimmed" data-testid="conflict-recorded">
            record …{shortId(c.rowId)} · recorded by the server <When iso={c.createdAt} />
          </Text>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {conflictSides(c).map((s) => (
            <Side key={s.side} s={s} />
          ))}
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
              <FieldBox label="Merged value" box={box} held={merged} error={undefined} onChange={setMerged} />
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
