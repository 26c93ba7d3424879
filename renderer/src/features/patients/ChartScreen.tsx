/**
 * The chart summary: who the patient is, an allergies banner that stays in view while scrolling, and
 * the clinical sections the signed-in role may read (a receptionist's chart has demographics only:
 * the core sends null for sections the role may not see, and the screen leaves them out).
 */
import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { can } from '../../../../db/policy.ts';
import type { PatientChart } from '../../../../main/common/index.ts';
import { hms } from '../../lib/hms.ts';
import { formatDate } from '../../lib/time.ts';
import { useTablesVersion } from '../../lib/use-tables-version.ts';
import { useNavigation } from '../../stores/navigation.ts';
import { useSession } from '../../stores/session.ts';
import { MergeRequest } from './MergeRequest.tsx';
import { MergeReview } from './MergeReview.tsx';
import { fullName, GENDER_WORDS } from './words.ts';

const CHART_TABLES = [
  'patients',
  'allergies',
  'medical_conditions',
  'prescriptions',
  'vitals',
  'encounters',
  'lab_orders',
  'lab_results',
  'admissions',
  'alerts',
];

function Field({ label, value }: { label: string; value: string | number | null | undefined }) {
  // A field the role may not read is absent from the record: leave it out rather than show "—".
  if (value === undefined) return null;
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{value === null || value === '' ? '—' : value}</Text>
    </div>
  );
}

function Section<T>(props: {
  title: string;
  rows: T[] | null;
  head: string[];
  cells: (r: T) => React.ReactNode[];
}) {
  if (props.rows === null) return null;
  return (
    <Paper withBorder p="md" component="section" aria-label={props.title}>
      <Title order={2} size="h5" mb="xs">
        {props.title}
      </Title>
      {props.rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          None recorded.
        </Text>
      ) : (
        <Table striped withRowBorders={false} verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              {props.head.map((h) => (
                <Table.Th key={h}>{h}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.rows.map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are re-read whole; the index is stable within one read
              <Table.Tr key={i}>
                {props.cells(r).map((c, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
                  <Table.Td key={j}>{c}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

export function ChartScreen({ id }: { id: string }) {
  const go = useNavigation((s) => s.go);
  const role = useSession((s) => s.user?.role ?? '');
  const [chart, setChart] = useState<PatientChart | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [merging, setMerging] = useState(false);
  const version = useTablesVersion(CHART_TABLES);

  useEffect(() => {
    void version;
    void hms.patients.chart({ id }).then((r) => {
      if (r.ok) {
        setChart(r.value);
        setProblem(null);
      } else setProblem(r.error.message);
    });
  }, [id, version]);

  if (problem)
    return (
      <Alert color="red" role="alert" title="Chart not available">
        {problem}
      </Alert>
    );
  if (!chart) return <Loader aria-label="Loading the chart" />;
  const p = chart.patient;
  const allergies = chart.allergies ?? [];
  const knownAllergies = p.known_allergies?.trim();

  return (
    <Stack gap="md">
      <Paper
        p="sm"
        radius={0}
        style={{ position: 'sticky', top: 0, zIndex: 2 }}
        bg={allergies.length || knownAllergies ? 'red.0' : 'gray.0'}
        role="region"
        aria-label="Allergies"
      >
        <Group gap="xs">
          <Text fw={700} c={allergies.length || knownAllergies ? 'red.9' : 'dimmed'}>
            Allergies:
          </Text>
          {allergies.length === 0 && !knownAllergies && (
            <Text c="dimmed">
              {chart.allergies === null && !('known_allergies' in p)
                ? 'not shown to your role'
                : 'none known'}
            </Text>
          )}
          {allergies.map((a) => (
            <Badge
              key={String(a.id)}
              color={a.severity === 'life_threatening' || a.severity === 'severe' ? 'red' : 'orange'}
            >
              {a.allergen}
              {a.severity ? ` · ${String(a.severity).replace('_', '-')}` : ''}
            </Badge>
          ))}
          {knownAllergies && <Text size="sm">{knownAllergies}</Text>}
        </Group>
      </Paper>

      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={1} size="h3">
              {fullName(p)}
            </Title>
            {p.unsynced && (
              <Badge variant="outline" color="orange">
                not yet synced
              </Badge>
            )}
          </Group>
          <Text c="dimmed">
            {p.mrn} · {GENDER_WORDS[p.gender ?? ''] ?? '—'} · born {formatDate(p.date_of_birth)}
            {p.age !== null ? ` (${p.age} years)` : ''}
          </Text>
        </div>
        <Group>
          <Button variant="default" onClick={() => go({ name: 'patients' })}>
            Back to search
          </Button>
          <Button variant="default" onClick={() => setMerging(true)} disabled={Boolean(p.merged_into_id)}>
            Same person as another record…
          </Button>
          <Button onClick={() => go({ name: 'edit', id })} disabled={Boolean(p.merged_into_id)}>
            Edit details
          </Button>
        </Group>
      </Group>

      {chart.mergedInto && (
        <Alert color="gray" title="This record was merged">
          It now lives on as{' '}
          <Button
            variant="subtle"
            size="compact-sm"
            onClick={() => go({ name: 'chart', id: chart.mergedInto?.id ?? id })}
          >
            {fullName(chart.mergedInto)} ({chart.mergedInto.mrn})
          </Button>
        </Alert>
      )}
      {merging && <MergeRequest patient={p} onClose={() => setMerging(false)} />}
      {!p.merged_into_id && <MergeReview patient={p} />}

      <Paper withBorder p="md" component="section" aria-label="Details">
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Field label="Phone" value={p.phone} />
          <Field label="E-mail" value={p.email} />
          <Field label="National ID" value={p.national_id} />
          <Field label="Blood group" value={p.blood_group} />
          <Field label="Address" value={p.address} />
          <Field label="Next of kin" value={p.next_of_kin_name} />
          <Field label="Next of kin phone" value={p.next_of_kin_phone} />
          <Field
            label="Admitted"
            // "no" only for a role that may see admissions; for others the core's null says nothing.
            value={
              chart.admission
                ? `since ${formatDate(chart.admission.admitted_at)}`
                : can(role, 'read', 'admissions')
                  ? 'no'
                  : undefined
            }
          />
        </SimpleGrid>
      </Paper>

      <Section
        title="Alerts"
        rows={chart.alerts}
        head={['Kind', 'Message', 'Status']}
        cells={(a) => [a.kind, a.message, a.status]}
      />
      <Section
        title="Conditions"
        rows={chart.conditions}
        head={['Condition', 'ICD-10', 'Since', 'Status']}
        cells={(c) => [c.condition, c.icd10_code, formatDate(c.diagnosed_on), c.status]}
      />
      <Section
        title="Prescriptions"
        rows={chart.prescriptions}
        head={['Medication', 'Dose', 'Frequency', 'Route', 'Status']}
        cells={(r) => [r.medication_name, r.dosage, r.frequency, r.route, r.status]}
      />
      <Section
        title="Recent vitals"
        rows={chart.vitals}
        head={['When', 'BP', 'HR', 'Temp °C', 'SpO₂', 'BMI']}
        cells={(v) => [
          formatDate(v.recorded_at),
          v.systolic_bp ? `${v.systolic_bp}/${v.diastolic_bp ?? '—'}` : '—',
          v.heart_rate,
          v.temperature_c,
          v.oxygen_saturation,
          v.bmi === null ? '—' : v.bmi.toFixed(1),
        ]}
      />
      <Section
        title="Encounters"
        rows={chart.encounters}
        head={['When', 'Type', 'Complaint', 'Diagnosis']}
        cells={(e) => [formatDate(e.created_at), e.encounter_type, e.chief_complaint, e.diagnosis]}
      />
      <Section
        title="Lab orders"
        rows={chart.labOrders}
        head={['Ordered', 'Test', 'Status', 'Results']}
        cells={(o) => [formatDate(o.created_at), o.test_name, o.status, o.results.length]}
      />
    </Stack>
  );
}
