/**
 * The patient registry: search as you type (MRN, name, phone, national ID, date of birth), the list
 * virtualised so 100 hits scroll like 10, and the keyboard first: arrows move, Enter opens the chart.
 * Answers that arrive out of order are dropped, so the list always matches what is in the box.
 */
import { Alert, Badge, Button, Group, Kbd, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { PatientHit } from '../../../../main/common/index.ts';
import { hms } from '../../lib/hms.ts';
import { formatDate } from '../../lib/time.ts';
import { useTablesVersion } from '../../lib/use-tables-version.ts';
import { useNavigation } from '../../stores/navigation.ts';
import { fullName, GENDER_WORDS, MATCH_WORDS } from './words.ts';

const PAGE = 50;
const ROW_HEIGHT = 56;

export function RegistryScreen() {
  const go = useNavigation((s) => s.go);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<PatientHit[]>([]);
  const [more, setMore] = useState(false);
  const [active, setActive] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [searched, setSearched] = useState('');
  const latest = useRef(0);
  const version = useTablesVersion(['patients']);

  useEffect(() => {
    void version;
    const ask = ++latest.current;
    const q = query.trim();
    if (!q) {
      setHits([]);
      setMore(false);
      setSearched('');
      return;
    }
    void hms.patients.search({ query: q, limit: PAGE }).then((r) => {
      if (ask !== latest.current) return;
      if (!r.ok) return setProblem(r.error.message);
      setProblem(null);
      setHits(r.value.hits);
      setMore(r.value.more);
      setSearched(q);
      setActive(0);
    });
  }, [query, version]);

  const loadMore = async () => {
    const r = await hms.patients.search({ query: query.trim(), limit: PAGE, offset: hits.length });
    if (r.ok) {
      setHits((h) => [...h, ...r.value.hits]);
      setMore(r.value.more);
    }
  };

  const listRef = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: hits.length,
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });

  const open = (hit: PatientHit | undefined) => hit && go({ name: 'chart', id: hit.patient.id });
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(hits.length - 1, active + (e.key === 'ArrowDown' ? 1 : -1)));
      setActive(next);
      rows.scrollToIndex(next);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      open(hits[active]);
    }
  };

  return (
    <Stack h="100%" gap="sm">
      <Group justify="space-between">
        <Title order={1} size="h3">
          Patients
        </Title>
        <Button onClick={() => go({ name: 'register' })}>Register a patient</Button>
      </Group>
      <TextInput
        label="Find a patient"
        description="MRN, name, phone, national ID or date of birth"
        placeholder="e.g. Awa Jallow, P-R1A2-000123, 7012345"
        autoFocus
        size="md"
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        onKeyDown={onKey}
        role="combobox"
        aria-expanded={hits.length > 0}
        aria-controls="patient-results"
        aria-activedescendant={hits[active] ? `patient-${hits[active].patient.id}` : undefined}
      />
      {problem && (
        <Alert color="red" role="alert">
          {problem}
        </Alert>
      )}
      {searched && hits.length === 0 && !problem && (
        <Text c="dimmed" role="status">
          No patient matches “{searched}”. Check the spelling, or register the patient.
        </Text>
      )}
      {hits.length > 0 && (
        <Text size="sm" c="dimmed" role="status">
          {hits.length}
          {more ? '+' : ''} found · <Kbd>↑</Kbd> <Kbd>↓</Kbd> to move, <Kbd>Enter</Kbd> to open
        </Text>
      )}
      <div ref={listRef} style={{ flex: 1, overflow: 'auto', minHeight: 0 }}>
        <div
          id="patient-results"
          role="listbox"
          aria-label="Patients found"
          style={{ height: rows.getTotalSize(), position: 'relative' }}
        >
          {rows.getVirtualItems().map((v) => {
            const hit = hits[v.index] as PatientHit;
            const p = hit.patient;
            return (
              <Paper
                key={p.id}
                id={`patient-${p.id}`}
                role="option"
                aria-selected={v.index === active}
                withBorder
                px="md"
                py={6}
                bg={v.index === active ? 'blue.0' : undefined}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT - 4,
                  transform: `translateY(${v.start}px)`,
                  cursor: 'pointer',
                }}
                // Movement, not mere presence: a pointer resting where the list appears must not move the selection.
                onMouseMove={() => v.index !== active && setActive(v.index)}
                onClick={() => open(hit)}
              >
                <Group justify="space-between" wrap="nowrap">
                  <div>
                    <Text fw={600} size="sm">
                      {fullName(p)}
                      {p.merged_into_id && (
                        <Badge ml="xs" size="xs" color="gray">
                          merged
                        </Badge>
                      )}
                      {p.unsynced && (
                        <Badge ml="xs" size="xs" variant="outline" color="orange">
                          not yet synced
                        </Badge>
                      )}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {p.mrn} · {formatDate(p.date_of_birth)}
                      {p.age !== null ? ` (${p.age} y)` : ''} · {GENDER_WORDS[p.gender ?? ''] ?? '—'}
                      {p.phone ? ` · ${p.phone}` : ''}
                    </Text>
                  </div>
                  <Badge variant="light" size="sm">
                    {MATCH_WORDS[hit.match]}
                  </Badge>
                </Group>
              </Paper>
            );
          })}
        </div>
        {more && (
          <Button variant="subtle" fullWidth mt="xs" onClick={() => void loadMore()}>
            Show more
          </Button>
        )}
      </div>
    </Stack>
  );
}
