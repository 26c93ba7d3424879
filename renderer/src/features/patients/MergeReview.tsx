/**
 * A merge requested for the open chart: what was asked and why. An admin completes it (the server
 * then re-points every reference and marks the merged record) or rejects it, with a note; anyone else
 * sees that it waits for an administrator.
 */
import { Alert, Button, Group, Text, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import { can } from '../../../../db/policy.ts';
import type { MergeRecord, PatientRecord } from '../../../../main/common/index.ts';
import { hms } from '../../lib/hms.ts';
import { Done, Problem } from '../../lib/Notice.tsx';
import { useTablesVersion } from '../../lib/use-tables-version.ts';
import { useNavigation } from '../../stores/navigation.ts';
import { useSession } from '../../stores/session.ts';

function Request(props: {
  m: MergeRecord;
  patient: PatientRecord;
  reviewer: boolean;
  onDone: (outcome: string) => void;
}) {
  const { m, patient, reviewer } = props;
  const go = useNavigation((s) => s.go);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const stays = m.survivor_id === patient.id;
  const other = String(stays ? m.merged_id : m.survivor_id);

  const review = async (decision: 'complete' | 'reject') => {
    const r = await hms.patients.reviewMerge({
      id: String(m.id),
      decision,
      ...(note.trim() ? { note } : {}),
    });
    if (r.ok)
      props.onDone(
        decision === 'complete'
          ? 'Merge completed. The server moves every visit, result and bill to the record that stays.'
          : 'Merge rejected: both records stay as they are.',
      );
    else setProblem(r.error.message);
  };

  return (
    <Alert color="blue" title="Merge requested" role="region" aria-label="Merge request">
      <Text size="sm">
        {stays
          ? 'Another record of this person is to be merged into this one, which stays.'
          : 'This record is to be merged into another record of this person, which stays.'}
      </Text>
      <Text size="sm">Why: {m.reason}</Text>
      {reviewer ? (
        <Textarea label="Review note" mt="xs" value={note} onChange={(e) => setNote(e.currentTarget.value)} />
      ) : (
        <Text size="sm" c="dimmed">
          An administrator completes it; until then both records stay as they are.
        </Text>
      )}
      <Problem text={problem} />
      <Group mt="xs">
        <Button variant="default" size="xs" onClick={() => go({ name: 'chart', id: other })}>
          Open the other record
        </Button>
        {reviewer && (
          <>
            <Button size="xs" onClick={() => void review('complete')}>
              Complete the merge
            </Button>
            <Button size="xs" variant="default" onClick={() => void review('reject')}>
              Reject
            </Button>
          </>
        )}
      </Group>
    </Alert>
  );
}

/** The requested merges that name this patient, on its chart. */
export function MergeReview({ patient }: { patient: PatientRecord }) {
  const role = useSession((s) => s.user?.role ?? '');
  const version = useTablesVersion(['patient_merges']);
  const [requests, setRequests] = useState<MergeRecord[]>([]);
  // Said after the request leaves the list (it is no longer "requested" once reviewed here).
  const [outcome, setOutcome] = useState<string | null>(null);
  useEffect(() => {
    void version;
    let live = true;
    void hms.patients.merges({ status: 'requested' }).then((r) => {
      if (live && r.ok)
        setRequests(r.value.filter((m) => m.survivor_id === patient.id || m.merged_id === patient.id));
    });
    return () => {
      live = false;
    };
  }, [version, patient.id]);
  if (!can(role, 'read', 'patient_merges')) return null;
  const reviewer = can(role, 'update', 'patient_merges');
  return (
    <>
      <Done text={outcome} />
      {requests.map((m) => (
        <Request key={String(m.id)} m={m} patient={patient} reviewer={reviewer} onDone={setOutcome} />
      ))}
    </>
  );
}
