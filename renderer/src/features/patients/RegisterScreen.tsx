/**
 * Registering a patient: the MRN is drawn by the core; possible duplicates (same name and date of
 * birth, same phone, same national ID) are shown before anything is saved, to open instead or to
 * rule out and register anyway.
 */
import { Alert, Badge, Button, Group, List, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { DuplicateCandidate } from '../../../../main/common/index.ts';
import { hms, unwrap } from '../../lib/hms.ts';
import { formatDate } from '../../lib/time.ts';
import { useNavigation } from '../../stores/navigation.ts';
import { type PatientFields, PatientForm, withoutBlanks } from './PatientForm.tsx';
import { DUPLICATE_WORDS, fullName } from './words.ts';

export function RegisterScreen() {
  const go = useNavigation((s) => s.go);
  const [candidates, setCandidates] = useState<DuplicateCandidate[]>([]);
  const [ruledOut, setRuledOut] = useState<string[]>([]);

  const save = async (values: PatientFields, ruled = ruledOut) => {
    const r = await unwrap(
      hms.patients.register({
        ...(withoutBlanks(values) as PatientFields),
        ...(ruled.length ? { confirmedNotDuplicateOf: ruled } : {}),
      }),
    );
    if (r.status === 'registered') return go({ name: 'chart', id: r.patient.id });
    setCandidates(r.candidates);
    // Submitting again means "none of these": the form button says so.
    setRuledOut([...new Set([...ruled, ...r.candidates.map((c) => c.patient.id)])]);
  };

  return (
    <Stack>
      {candidates.length > 0 && (
        <Paper withBorder p="md" bg="yellow.0" role="alert" aria-label="Possible duplicates">
          <Stack gap="xs">
            <Text fw={700}>This may be a patient already registered. Nothing has been saved yet.</Text>
            <List spacing="xs" listStyleType="none">
              {candidates.map((c) => (
                <List.Item key={c.patient.id}>
                  <Group gap="sm">
                    <Button
                      size="compact-sm"
                      variant="light"
                      onClick={() => go({ name: 'chart', id: c.patient.id })}
                    >
                      Open {fullName(c.patient)}
                    </Button>
                    <Text size="sm">
                      {c.patient.mrn} · born {formatDate(c.patient.date_of_birth)}
                      {c.patient.phone ? ` · ${c.patient.phone}` : ''}
                    </Text>
                    {c.reasons.map((r) => (
                      <Badge key={r} color="orange">
                        {DUPLICATE_WORDS[r]}
                      </Badge>
                    ))}
                  </Group>
                </List.Item>
              ))}
            </List>
            <Alert color="yellow" variant="white">
              If none of these is the same person, press “Register as a new patient” again.
            </Alert>
          </Stack>
        </Paper>
      )}
      <PatientForm
        action="create"
        title="Register a patient"
        submitLabel={candidates.length ? 'Register as a new patient' : 'Register'}
        onSave={(values) => save(values)}
        onCancel={() => go({ name: 'patients' })}
      />
    </Stack>
  );
}
