/**
 * The patient registry: search as you type (MRN, name, phone, national ID, date of birth), the list
 * virtualised so 100 hits scroll like 10, and the keyboard first: arrows move, Enter opens the chart.
 * Answers that arrive out of order are dropped, so the list always matches what is in the box. The
 * selection follows the patient, not the row: when sync re-runs the search under a user's arrow keys,
 * Enter still opens the chart they chose.
 */
import { Button, Group, Kbd, Stack, Text, TextInput, Title } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useState } from 'react';
import './registry.css';
import type { PatientHit } from '../../../../main/common/index.ts';
import { hms } from '../../lib/hms.ts';
import { Problem } from '../../lib/Notice.tsx';
import { formatDate } from '../../lib/time.ts';
import { useTablesVersion } from '../../lib/use-tables-version.ts';
import { useNavigation } from '../../stores/navigation.ts';
import { fullName, GENDER_WORDS, MATCH_WORDS } from './words.ts';

// A screenful and a half: "Show more" fetches the next page. Fewer rows per keystroke, faster answers.
const PAGE = 25;
const ROW_HEIGHT = 56;

/**
 * One hit, in plain elements styled by the theme's variables: typed at every keystroke, so lighter
 * than the component library's Paper/Group/Text (which halved the time from keystroke to list).
 */
const HitRow = memo(function HitRow(props: {
  hit: PatientHit;
  top: number;
  active: boolean;
  onHover: () => void;
  onOpen: (hit: PatientHit) => void;
}) {
  const p = props.hit.patient;
  return (
    <div
      id={`patient-${p.id}`}
      role="option"
      aria-selected={props.active}
      tabIndex={-1}
      className="hit-row"
      data-active={props.active || undefined}
      style={{ transform: `translateY(${props.top}px)`, height: ROW_HEIGHT - 4 }}
      // Movement, not mere presence: a pointer resting where the list appears must not move the selection.
      onMouseMove={props.onHover}
      onClick={() => props.onOpen(props.hit)}
      onKeyDown={(e) => e.key === 'Enter' && props.onOpen(props.hit)}
    >
      <div>
        <div className="hit-name">
          {fullName(p)}
          {p.merged_into_id && <span className="hit-tag">merged</span>}
          {p.unsynced && <span className="hit-tag hit-tag-warn">not yet synced</span>}
        </div>
        <div className="hit-detail">
          {p.mrn} · {formatDate(p.date_of_birth)}
          {p.age !== null ? ` (${p.age} y)` : ''} · {GENDER_WORDS[p.gender ?? ''] ?? '—'}
          {p.phone ? ` · ${p.phone}` : ''}
        </div>
      </div>
      <span className="hit-tag">{MATCH_WORDS[props.hit.match]}</span>
    </div>
  );
});

export function RegistryScreen() {
  const go = useNavigation((s) => s.go);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<PatientHit[]>([]);
  const [more, setMore] = useState(false);
  /** The selected patient's id (the first hit until the user moves). */
  const [activeId, setActiveId] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [searched, setSearched] = useState('');
  const latest = useRef(0);
  /** The text the list shows answers for: a new text starts the selection at the top again. */
  const shownFor = useRef('');
  const version = useTablesVersion(['patients']);

  useEffect(() => {
    void version;
    const ask = ++latest.current;
    const q = query.trim();
    if (!q) {
      setHits([]);
      setMore(false);
      setSearched('');
      shownFor.current = '';
      return;
    }
    void hms.patients.search({ query: q, limit: PAGE }).then((r) => {
      if (ask !== latest.current) return;
      if (!r.ok) return setProblem(r.error.message);
      setProblem(null);
      setHits(r.value.hits);
      setMore(r.value.more);
      setSearched(q);
      if (shownFor.current !== q) setActiveId(r.value.hits[0]?.patient.id ?? null);
      shownFor.current = q;
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

  // A chosen patient that a refresh dropped from the list gives way to the first.
  const active = Math.max(
    0,
    hits.findIndex((h) => h.patient.id === activeId),
  );
  const open = (hit: PatientHit | undefined) => {
    if (hit) go({ name: 'chart', id: hit.patient.id });
  };
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(hits.length - 1, active + (e.key === 'ArrowDown' ? 1 : -1)));
      setActiveId(hits[next]?.patient.id ?? null);
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
      <Problem text={problem} />
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
          // The text these results answer: what the bench (and a test) waits for after a keystroke.
          data-query={searched}
          role="listbox"
          aria-label="Patients found"
          style={{ height: rows.getTotalSize(), position: 'relative' }}
        >
          {rows.getVirtualItems().map((v) => (
            <HitRow
              key={(hits[v.index] as PatientHit).patient.id}
              hit={hits[v.index] as PatientHit}
              top={v.start}
              active={v.index === active}
              onHover={() => v.index !== active && setActiveId((hits[v.index] as PatientHit).patient.id)}
              onOpen={open}
            />
          ))}
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
