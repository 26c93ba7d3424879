/**
 * "These two records are the same person": find the other record, choose which one stays, say why.
 * The request waits for an admin (the server re-points every reference when it is completed).
 */
import { Alert, Button, Group, Paper, Radio, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { PatientHit, PatientRecord } from '../../../../main/common/index.ts';
import { hms } from '../../lib/hms.ts';
import { Problem } from '../../lib/Notice.tsx';
import { formatDate } from '../../lib/time.ts';
import { fullName } from './words.ts';

export function MergeRequest({ patient, onClose }: { patient: PatientRecord; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<PatientHit[]>([]);
  const [other, setOther] = useState<PatientRecord | null>(null);
  const [keep, setKeep] = useState<'this' | 'other'>('this');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  useEffect(() => {
    const q = query.trim();
    if (!q) return setHits([]);
    let live = true;
    void hms.patients.search({ query: q, limit: 8 }).then((r) => {
      if (live && r.ok) setHits(r.value.hits.filter((h) => h.patient.id !== patient.id));
    });
    return () => {
      live = false;
    };
  }, [query, patient.id]);

  const submit = async () => {
    if (!other) return;
    const [survivor, merged] = keep === 'this' ? [patient, other] : [other, patient];
    const r = await hms.patients.requestMerge({ survivorId: survivor.id, mergedId: merged.id, reason });
    if (r.ok) setDone(true);
    else setProblem(r.error.message);
  };

  return (
    <Paper withBorder p="md" role="dialog" aria-label="Request a merge">
      <Stack>
        <Title order={2} size="h5">
          Same person as another record
        </Title>
        {done ? (
          <>
            <Alert color="teal" role="status">
              Merge requested. An administrator completes it; until then both records stay as they are.
            </Alert>
            <Group>
              <Button onClick={onClose}>Close</Button>
            </Group>
          </>
        ) : (
          <>
            <Problem text={problem} />
            {!other ? (
              <>
                <TextInput
                  label="Find the other record"
                  value={query}
                  onChange={(e) => setQuery(e.currentTarget.value)}
                  autoFocus
                />
                {hits.map((h) => (
                  <Button
                    key={h.patient.id}
                    variant="light"
                    justify="flex-start"
                    onClick={() => setOther(h.patient)}
                  >
                    {fullName(h.patient)} · {h.patient.mrn} · born {formatDate(h.patient.date_of_birth)}
                  </Button>
                ))}
              </>
            ) : (
              <>
                <Radio.Group
                  label="Which record stays?"
                  value={keep}
                  onChange={(v) => setKeep(v as 'this' | 'other')}
                >
                  <Stack gap={4} mt={4}>
                    <Radio value="this" label={`${fullName(patient)} (${patient.mrn})`} />
                    <Radio value="other" label={`${fullName(other)} (${other.mrn})`} />
                  </Stack>
                </Radio.Group>
                <Textarea
                  label="Why are these the same person?"
                  value={reason}
                  onChange={(e) => setReason(e.currentTarget.value)}
                  withAsterisk
                />
                <Text size="xs" c="dimmed">
                  The other record is kept, marked as merged, and every visit, result and bill moves to the
                  one that stays.
                </Text>
              </>
            )}
            <Group>
              <Button onClick={() => void submit()} disabled={!other || !reason.trim()}>
                Request the merge
              </Button>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}
