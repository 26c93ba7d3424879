/**
 * The audit trail and sign-in activity, for admins: filtered lists, and a check of the trail's hash
 * chain that says whether anyone altered or removed an entry, and which one first.
 */
import {
  Alert,
  Button,
  Group,
  NativeSelect,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import type { AuditEntryView, LoginActivityView } from '../../../../main/common/index.ts';
import { hms } from '../../lib/hms.ts';
import { Problem } from '../../lib/Notice.tsx';

const ACTIONS = [
  '',
  'create',
  'update',
  'delete',
  'read',
  'login',
  'logout',
  'merge',
  'resolve_conflict',
  'admin',
];
const LOGIN_STATUSES = ['', 'success', 'failed', 'locked', 'otp_required', 'otp_failed', 'logout'] as const;
const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });

function Trail() {
  const [action, setAction] = useState('');
  const [entries, setEntries] = useState<AuditEntryView[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [check, setCheck] = useState<{ intact: boolean; broken_at: number | null; entries: number } | null>(
    null,
  );
  useEffect(() => {
    void hms.admin.audit(action ? { action } : {}).then((r) => {
      if (r.ok) setEntries(r.value);
      else setProblem(r.error.message);
    });
  }, [action]);
  const verify = async () => {
    const r = await hms.admin.verifyAudit({});
    if (r.ok) setCheck(r.value);
    else setProblem(r.error.message);
  };
  return (
    <Stack>
      <Problem text={problem} />
      <Group align="flex-end">
        <NativeSelect
          label="Action"
          data={ACTIONS.map((a) => ({ value: a, label: a || 'all' }))}
          value={action}
          onChange={(e) => setAction(e.currentTarget.value)}
        />
        <Button variant="default" onClick={() => void verify()}>
          Check the chain
        </Button>
      </Group>
      {check && (
        <Alert color={check.intact ? 'teal' : 'red'} role="status" data-testid="chain-check">
          {check.intact
            ? `Intact: all ${check.entries} entries chain to each other; none was altered or removed.`
            : `Broken at entry ${check.broken_at}: that entry or one before it was altered or removed.`}
        </Alert>
      )}
      <Table striped aria-label="Audit trail">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>What</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((e) => (
            <Table.Tr key={e.seq}>
              <Table.Td>{e.seq}</Table.Td>
              <Table.Td>{when(e.at)}</Table.Td>
              <Table.Td>{e.username ?? 'system'}</Table.Td>
              <Table.Td>{e.action}</Table.Td>
              <Table.Td>
                <Text size="sm">{e.description ?? `${e.object_type} ${e.object_id ?? ''}`}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function SignIns() {
  const [username, setUsername] = useState('');
  const [status, setStatus] = useState<(typeof LOGIN_STATUSES)[number]>('');
  const [rows, setRows] = useState<LoginActivityView[]>([]);
  useEffect(() => {
    void hms.admin
      .loginActivity({
        ...(username.trim() ? { username: username.trim() } : {}),
        ...(status ? { status } : {}),
      })
      .then((r) => r.ok && setRows(r.value));
  }, [username, status]);
  return (
    <Stack>
      <Group>
        <TextInput label="User name" value={username} onChange={(e) => setUsername(e.currentTarget.value)} />
        <NativeSelect
          label="Outcome"
          data={LOGIN_STATUSES.map((s) => ({ value: s, label: s || 'all' }))}
          value={status}
          onChange={(e) => setStatus(e.currentTarget.value as typeof status)}
        />
      </Group>
      <Table striped aria-label="Sign-in activity">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>User name typed</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>From</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a read-only list re-read whole
            <Table.Tr key={i}>
              <Table.Td>{when(r.at)}</Table.Td>
              <Table.Td>{r.username}</Table.Td>
              <Table.Td>{r.status}</Table.Td>
              <Table.Td>{r.ip_address ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

export function AuditScreen() {
  const [tab, setTab] = useState<'trail' | 'signins'>('trail');
  return (
    <Stack>
      <Title order={1} size="h3">
        Audit
      </Title>
      <SegmentedControl
        aria-label="Which record"
        value={tab}
        onChange={(v) => setTab(v as typeof tab)}
        data={[
          { value: 'trail', label: 'Audit trail' },
          { value: 'signins', label: 'Sign-in activity' },
        ]}
        maw={400}
      />
      {tab === 'trail' ? <Trail /> : <SignIns />}
    </Stack>
  );
}
