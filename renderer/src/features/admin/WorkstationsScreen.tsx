/**
 * Workstations, for admins: register a PC (name, kind, ward) and read out its one-time enrolment
 * code, issue a fresh code (re-installing a PC), change what a PC holds, or revoke it (it stops
 * syncing at once and keeps what it has, read-only); move a PC to another update ring, and below
 * the list, the rings themselves (UpdateRingsPanel).
 */
import {
  Alert,
  Autocomplete,
  Badge,
  Button,
  Code,
  Group,
  NativeSelect,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { WORKSTATION_KINDS } from '../../../../db/schema/enums.ts';
import {
  appContract,
  type ReleaseView,
  type UpdateRingsView,
  type WorkstationView,
} from '../../../../main/common/index.ts';
import { hms } from '../../lib/hms.ts';
import { Done, Problem } from '../../lib/Notice.tsx';
import { ago } from '../../lib/time.ts';
import { UpdateRingsPanel } from './UpdateRingsPanel.tsx';
import { afterMove } from './update-rings.ts';

type Kind = (typeof WORKSTATION_KINDS)[number];

/** The contract's rule for a ring name, said while it is typed rather than refused after the click. */
const RingName = appContract.admin.moveToUpdateRing.args.shape.ring;
const ringProblem = (ring: string) =>
  ring.trim() === '' ? null : (RingName.safeParse(ring).error?.issues[0]?.message ?? null);

export function WorkstationsScreen() {
  const [rows, setRows] = useState<WorkstationView[] | null>(null);
  const [rings, setRings] = useState<UpdateRingsView | null>(null);
  const [releases, setReleases] = useState<ReleaseView[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [code, setCode] = useState<{ name: string; code: string; until: string } | null>(null);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('reception');
  const [wardId, setWardId] = useState('');

  const load = useCallback(async () => {
    const [r, g, v] = await Promise.all([
      hms.admin.workstations({}),
      hms.admin.updateRings({}),
      hms.admin.releases({}),
    ]);
    if (r.ok) setRows(r.value);
    if (g.ok) setRings(g.value);
    if (v.ok) setReleases(v.value);
    // Only a failure is said here: a problem an action just reported stays on screen.
    const failed = [r, g, v].find((x) => !x.ok);
    if (failed && !failed.ok) setProblem(failed.error.message);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const register = async () => {
    setProblem(null);
    const r = await hms.admin.registerWorkstation({
      name,
      kind,
      ...(wardId.trim() ? { ward_id: wardId.trim() } : {}),
    });
    if (!r.ok) return setProblem(r.error.issues?.map((i) => i.message).join('; ') || r.error.message);
    setCode({ name: r.value.name, code: r.value.enrollment_code, until: r.value.enrollment_expires_at });
    setName('');
    void load();
  };
  const newCode = async (w: WorkstationView) => {
    const r = await hms.admin.newEnrolmentCode({ id: w.id });
    if (r.ok) setCode({ name: w.name, code: r.value.enrollment_code, until: r.value.enrollment_expires_at });
    else setProblem(r.error.message);
    void load();
  };
  const [editing, setEditing] = useState<{ id: string; kind: Kind; wardId: string } | null>(null);
  const rescope = async () => {
    if (!editing) return;
    setProblem(null);
    const r = await hms.admin.rescopeWorkstation({
      id: editing.id,
      kind: editing.kind,
      ward_id: editing.kind === 'ward' ? editing.wardId.trim() || null : null,
    });
    if (!r.ok) return setProblem(r.error.issues?.map((i) => i.message).join('; ') || r.error.message);
    setEditing(null);
    void load();
  };
  const ringOf = new Map(rings?.members.map((m) => [m.workstation_id, m.ring]));
  const [moving, setMoving] = useState<{ id: string; ring: string } | null>(null);
  const move = async (w: WorkstationView) => {
    if (!moving) return;
    setProblem(null);
    setDone(null);
    const r = await hms.admin.moveToUpdateRing({ id: w.id, ring: moving.ring });
    if (!r.ok)
      return setProblem(
        `${w.name} was not moved: ${r.error.issues?.map((i) => i.message).join('; ') || r.error.message}`,
      );
    setDone(afterMove(w.name, r.value.ring, rings?.rings ?? []));
    setMoving(null);
    void load();
  };
  const revoke = async (w: WorkstationView) => {
    const r = await hms.admin.revokeWorkstation({ id: w.id });
    if (!r.ok) setProblem(r.error.message);
    void load();
  };

  return (
    <Stack>
      <Title order={1} size="h3">
        Workstations
      </Title>
      <Problem text={problem} />
      <Done text={done} />
      {code && (
        <Alert color="blue" title={`Enrolment code for ${code.name}`} role="status">
          Type this on the PC's set-up screen:{' '}
          <Code fz="lg" data-testid="enrolment-code">
            {code.code}
          </Code>{' '}
          (valid until {new Date(code.until).toLocaleString()}, once).
        </Alert>
      )}
      <Paper withBorder p="md" component="section" aria-label="Register a workstation">
        <Group align="flex-end">
          <TextInput
            label="Name"
            placeholder="Ward B nurses' station"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <NativeSelect
            label="Kind"
            data={[...WORKSTATION_KINDS]}
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value as Kind)}
          />
          {kind === 'ward' && (
            <TextInput label="Ward id" value={wardId} onChange={(e) => setWardId(e.currentTarget.value)} />
          )}
          <Button onClick={() => void register()} disabled={!name.trim()}>
            Register and get a code
          </Button>
        </Group>
      </Paper>
      {rows && (
        <Table striped aria-label="Workstations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Code</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Update ring</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((w) => (
              <Table.Tr key={w.id}>
                <Table.Td>{w.name}</Table.Td>
                <Table.Td>{w.code}</Table.Td>
                <Table.Td>
                  {editing?.id === w.id ? (
                    <Group gap="xs" wrap="nowrap" align="flex-end">
                      <NativeSelect
                        label="New kind"
                        size="xs"
                        data={[...WORKSTATION_KINDS]}
                        value={editing.kind}
                        onChange={(e) => setEditing({ ...editing, kind: e.currentTarget.value as Kind })}
                      />
                      {editing.kind === 'ward' && (
                        <TextInput
                          label="Ward id"
                          size="xs"
                          value={editing.wardId}
                          onChange={(e) => setEditing({ ...editing, wardId: e.currentTarget.value })}
                        />
                      )}
                      <Button size="compact-sm" onClick={() => void rescope()}>
                        Save
                      </Button>
                      <Button size="compact-sm" variant="subtle" onClick={() => setEditing(null)}>
                        Cancel
                      </Button>
                    </Group>
                  ) : (
                    w.kind
                  )}
                </Table.Td>
                {/* Read at a glance: never cut to "ENRO…" when a row's editor widens its neighbours. */}
                <Table.Td>
                  {w.revoked_at ? (
                    <Badge color="red" miw="max-content">
                      revoked
                    </Badge>
                  ) : w.enrolled ? (
                    <Badge color="teal" miw="max-content">
                      enrolled
                    </Badge>
                  ) : (
                    <Badge color="gray" miw="max-content">
                      waiting for enrolment
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  {moving?.id === w.id ? (
                    <Group gap="xs" wrap="nowrap" align="flex-start">
                      <Autocomplete
                        label="New ring"
                        size="xs"
                        w={140}
                        data={rings?.rings.map((g) => g.name) ?? []}
                        value={moving.ring}
                        onChange={(ring) => setMoving({ ...moving, ring })}
                        error={ringProblem(moving.ring)}
                      />
                      <Button
                        size="compact-sm"
                        mt={22}
                        disabled={!moving.ring.trim() || ringProblem(moving.ring) !== null}
                        onClick={() => void move(w)}
                      >
                        Move
                      </Button>
                      <Button size="compact-sm" mt={22} variant="subtle" onClick={() => setMoving(null)}>
                        Cancel
                      </Button>
                    </Group>
                  ) : (
                    <Group gap="xs" wrap="nowrap">
                      <Text size="sm" data-testid="ring">
                        {ringOf.get(w.id) ?? '—'}
                      </Text>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        aria-label={`Move ${w.name} to another ring`}
                        disabled={Boolean(w.revoked_at) || !rings}
                        onClick={() => setMoving({ id: w.id, ring: '' })}
                      >
                        Move
                      </Button>
                    </Group>
                  )}
                </Table.Td>
                <Table.Td>
                  {/* The version its heartbeat names: how far a ring's rollout has reached. */}
                  <Text size="sm">{w.app_version ?? '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{ago(w.last_seen_at)}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button size="compact-sm" variant="default" onClick={() => void newCode(w)}>
                      New code
                    </Button>
                    <Button
                      size="compact-sm"
                      variant="default"
                      disabled={Boolean(w.revoked_at) || editing?.id === w.id}
                      onClick={() => setEditing({ id: w.id, kind: w.kind as Kind, wardId: w.ward_id ?? '' })}
                    >
                      Change what it holds
                    </Button>
                    <Button
                      size="compact-sm"
                      variant="default"
                      color="red"
                      disabled={Boolean(w.revoked_at)}
                      onClick={() => void revoke(w)}
                    >
                      Revoke
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {rings && releases && (
        <UpdateRingsPanel
          rings={rings.rings}
          releases={releases}
          onChanged={() => {
            // What a move said about its ring's release is out of date once the ring changed.
            setDone(null);
            void load();
          }}
        />
      )}
    </Stack>
  );
}
