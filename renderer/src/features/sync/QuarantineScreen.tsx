/**
 * Refused writes: the server would not apply them (a rule, a role changed while offline). Nothing is
 * lost: each is kept with its reason, for its author (or an admin) to correct and send again, or to
 * discard with a note. A refused unit (e.g. a registration with its number) goes back as a whole.
 */
import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { QuarantineItem } from '../../../../main/common/index.ts';
import { hms } from '../../lib/hms.ts';
import { fieldLabel, inSentence, tableLabel } from '../../lib/labels.ts';
import { Problem } from '../../lib/Notice.tsx';
import { ago } from '../../lib/time.ts';
import { useTablesVersion } from '../../lib/use-tables-version.ts';
import { useStatus } from '../../stores/status.ts';
import { FieldBox } from './FieldBox.tsx';
import {
  type Box,
  boxFor,
  fromBox,
  inColumnOrder,
  reasonByField,
  reasonInWords,
  toBox,
} from './refused-fields.ts';
import { shortId, writtenValues } from './values.ts';

/** System columns a person never edits. */
const HIDDEN = new Set([
  'id',
  'created_at',
  'updated_at',
  'created_by',
  'updated_by',
  'deleted_at',
  'version',
]);

function RefusedWrite({ q }: { q: QuarantineItem }) {
  const written = writtenValues(q.operation, q.payload);
  const fields = inColumnOrder(
    q.table,
    Object.keys(written).filter((k) => !HIDDEN.has(k)),
  );
  const boxes = Object.fromEntries(fields.map((k) => [k, boxFor(q.table, k, written[k])]));
  const original = (k: string) => toBox(boxes[k] as Box, written[k]);
  const [edits, setEdits] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(fields.map((k) => [k, original(k)])),
  );
  const said = reasonByField(q.reason, q.table, fields);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);

  const retry = async () => {
    const values = Object.fromEntries(
      fields
        .filter((k) => edits[k] !== original(k))
        .map((k) => [k, fromBox(boxes[k] as Box, edits[k] ?? '')]),
    );
    const r = await hms.sync.retryQuarantined({
      id: q.id,
      ...(Object.keys(values).length ? { values } : {}),
      ...(note.trim() ? { note } : {}),
    });
    if (r.ok) setOutcome('Sent again. If the server accepts it, it leaves this list.');
    else setProblem(r.error.message);
  };
  const discard = async () => {
    const r = await hms.sync.discardQuarantined({ id: q.id, note });
    if (r.ok) setOutcome('Discarded.');
    else setProblem(r.error.message);
  };

  const what = inSentence(tableLabel(q.table));
  const field = (k: string) => (
    <FieldBox
      key={k}
      label={fieldLabel(k, q.table)}
      box={boxes[k] as Box}
      held={edits[k] ?? ''}
      error={said[k]}
      onChange={(v) => setEdits((x) => ({ ...x, [k]: v }))}
    />
  );
  // Yes/no fields go together under the boxes, as on the registration form.
  const checks = fields.filter((k) => boxes[k]?.kind === 'check');
  const boxed = fields.filter((k) => boxes[k]?.kind !== 'check');
  return (
    <Paper withBorder p="md" component="article" aria-label={`Refused ${q.operation} of ${what}`}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Text fw={700}>
            {q.operation === 'insert' ? 'New' : q.operation === 'update' ? 'Change to' : 'Removal of'} {what}{' '}
            {q.status === 'pending_record' && (
              <Badge color="gray" variant="light">
                record on its way from the server
              </Badge>
            )}
          </Text>
          <Text size="xs" c="dimmed">
            by {q.authorName ?? `user …${shortId(q.authorId)}`} · {ago(q.at)}
          </Text>
        </Group>
        <Alert color="red" variant="light" title="Why the server refused it" data-testid="refusal-reason">
          {reasonInWords(q.reason, q.table)}
        </Alert>
        {outcome ? (
          <Alert color="teal" role="status">
            {outcome}
          </Alert>
        ) : (
          <>
            {boxed.length > 0 && <SimpleGrid cols={{ base: 1, sm: 3 }}>{boxed.map(field)}</SimpleGrid>}
            {checks.length > 0 && <Group gap="xl">{checks.map(field)}</Group>}
            <Textarea
              label="Note (why it is sent again, or why it is discarded)"
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
            />
            <Problem text={problem} />
            <Group>
              <Button onClick={() => void retry()}>Correct and send again</Button>
              <Button variant="default" color="red" disabled={!note.trim()} onClick={() => void discard()}>
                Discard
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}

export function QuarantineScreen() {
  const [items, setItems] = useState<QuarantineItem[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const version = useTablesVersion(['quarantined_mutations']);
  const refused = useStatus((s) => s.status?.quarantined ?? 0);
  useEffect(() => {
    void version;
    void refused;
    void hms.sync.quarantine({ status: 'open' }).then((r) => {
      if (r.ok) setItems(r.value);
      else setProblem(r.error.message);
    });
  }, [version, refused]);

  return (
    <Stack>
      <Title order={1} size="h3">
        Refused writes
      </Title>
      <Problem text={problem} />
      {items?.length === 0 && <Text c="dimmed">Nothing refused.</Text>}
      {items?.map((q) => (
        <RefusedWrite key={q.id} q={q} />
      ))}
    </Stack>
  );
}
