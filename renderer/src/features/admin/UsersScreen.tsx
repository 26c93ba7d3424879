/**
 * Users, for admins: find, create (with a first password to hand over), change a role, disable or
 * enable, reset a password; and the role-change requests staff sent, to approve or reject. All of it
 * happens on the server, so it needs the server in reach and an online sign-in (the core says so).
 */
import { zodResolver } from '@hookform/resolvers/zod';
import {
  Badge,
  Button,
  Group,
  NativeSelect,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { passwordProblem } from '../../../../db/primitives/password-rules.ts';
import { ROLE_NAMES, type RoleName } from '../../../../db/schema/accounts.ts';
import { appContract, type RoleRequestView, type UserView } from '../../../../main/common/index.ts';
import { showCallError } from '../../lib/form.ts';
import { hms, unwrap } from '../../lib/hms.ts';
import { Done, Problem } from '../../lib/Notice.tsx';
import { ago } from '../../lib/time.ts';
import { words } from '../sync/values.ts';

const CreateUser = appContract.admin.createUser.args;
type CreateInput = z.input<typeof CreateUser>;
const roleOptions = ROLE_NAMES.map((r) => ({ value: r, label: words(r) }));

function NewUser({ onCreated }: { onCreated: () => void }) {
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const form = useForm<CreateInput, unknown, z.output<typeof CreateUser>>({
    resolver: zodResolver(CreateUser),
    defaultValues: {
      username: '',
      first_name: '',
      last_name: '',
      email: '',
      role: 'receptionist',
      password: '',
    },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async (values) => {
    setProblem(null);
    try {
      const u = await unwrap(hms.admin.createUser(values));
      setDone(`Created ${u.username}. Hand over the first password in person.`);
      form.reset();
      onCreated();
    } catch (e) {
      setProblem(showCallError(e, form.setError, Object.keys(CreateUser.shape)));
    }
  });
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} noValidate aria-label="New user">
      <Stack>
        <Title order={2} size="h5">
          New user
        </Title>
        <Problem text={problem} />
        <Done text={done} />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label="User name" error={errors.username?.message} {...form.register('username')} />
          <TextInput label="First name" error={errors.first_name?.message} {...form.register('first_name')} />
          <TextInput label="Last name" error={errors.last_name?.message} {...form.register('last_name')} />
          <TextInput label="E-mail" type="email" error={errors.email?.message} {...form.register('email')} />
          <NativeSelect
            label="Role"
            data={roleOptions}
            error={errors.role?.message}
            {...form.register('role')}
          />
          <PasswordInput
            label="First password"
            autoComplete="new-password"
            error={errors.password?.message}
            {...form.register('password')}
          />
        </SimpleGrid>
        <Group>
          <Button type="submit" loading={isSubmitting}>
            Create user
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

type UserChanges = Omit<z.input<typeof appContract.admin.updateUser.args>, 'id'>;

function UserRow({
  u,
  onChanged,
}: {
  u: UserView;
  onChanged: (message: string | null, problem?: string) => void;
}) {
  const [password, setPassword] = useState('');
  const change = async (changes: UserChanges, said: string) => {
    const r = await hms.admin.updateUser({ id: u.id, ...changes });
    onChanged(r.ok ? said : null, r.ok ? undefined : r.error.message);
  };
  return (
    <Table.Tr>
      <Table.Td>
        <Text fw={600} size="sm">
          {u.username}
        </Text>
        <Text size="xs" c="dimmed">
          {u.first_name} {u.last_name}
        </Text>
      </Table.Td>
      <Table.Td>
        <NativeSelect
          aria-label={`Role of ${u.username}`}
          size="xs"
          data={roleOptions}
          value={u.role}
          onChange={(e) => {
            const role = e.currentTarget.value as RoleName;
            void change({ role }, `${u.username} is now ${words(role)}`);
          }}
        />
      </Table.Td>
      <Table.Td>
        {u.is_active ? <Badge color="teal">active</Badge> : <Badge color="gray">disabled</Badge>}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{ago(u.last_login_at)}</Text>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Button
            size="compact-sm"
            variant="default"
            onClick={() =>
              void change(
                { is_active: !u.is_active },
                `${u.username} ${u.is_active ? 'disabled' : 'enabled'}`,
              )
            }
          >
            {u.is_active ? 'Disable' : 'Enable'}
          </Button>
          <PasswordInput
            aria-label={`New password for ${u.username}`}
            placeholder="new password"
            size="xs"
            w={170}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            // The server's own rule, said before the click rather than refused after it.
            error={password ? passwordProblem(password, u.username) : null}
          />
          <Button
            size="compact-sm"
            variant="default"
            disabled={!password || passwordProblem(password, u.username) !== null}
            onClick={() => {
              void change({ password }, `password of ${u.username} reset`);
              setPassword('');
            }}
          >
            Reset password
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function RoleRequests({
  version,
  users,
  onChanged,
}: {
  version: number;
  /** Who asked, by name (the request names a user id). */
  users: UserView[];
  onChanged: (m: string | null, p?: string) => void;
}) {
  const [requests, setRequests] = useState<RoleRequestView[]>([]);
  const [notes, setNotes] = useState<Record<string, string>>({});
  useEffect(() => {
    void version;
    void hms.admin.roleRequests({ status: 'pending' }).then((r) => r.ok && setRequests(r.value));
  }, [version]);
  if (requests.length === 0) return null;
  const review = async (id: string, decision: 'approve' | 'reject') => {
    const r = await hms.admin.reviewRoleRequest({ id, decision, note: notes[id] ?? '' });
    onChanged(
      r.ok ? `request ${decision === 'approve' ? 'approved' : 'rejected'}` : null,
      r.ok ? undefined : r.error.message,
    );
  };
  return (
    <Paper withBorder p="md" component="section" aria-label="Role-change requests">
      <Title order={2} size="h5" mb="xs">
        Role-change requests
      </Title>
      {requests.map((q) => {
        const who = users.find((u) => u.id === q.user_id);
        return (
          <Group key={q.id} gap="sm" mb="xs">
            <Text size="sm">
              {who
                ? `${who.first_name} ${who.last_name} (${who.username}, ${words(who.role)})`
                : `User …${q.user_id.slice(-8)}`}{' '}
              asks to become <b>{words(q.requested_role)}</b>: {q.reason}
            </Text>
            <TextInput
              size="xs"
              aria-label="Review note"
              placeholder="note"
              value={notes[q.id] ?? ''}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setNotes((n) => ({ ...n, [q.id]: v }));
              }}
            />
            <Button size="compact-sm" onClick={() => void review(q.id, 'approve')}>
              Approve
            </Button>
            <Button size="compact-sm" variant="default" onClick={() => void review(q.id, 'reject')}>
              Reject
            </Button>
          </Group>
        );
      })}
    </Paper>
  );
}

export function UsersScreen() {
  const [users, setUsers] = useState<UserView[] | null>(null);
  const [query, setQuery] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  const load = useCallback(async () => {
    const r = await hms.admin.users(query.trim() ? { query: query.trim() } : {});
    if (r.ok) {
      setUsers(r.value);
      setProblem(null);
    } else setProblem(r.error.message);
  }, [query]);
  useEffect(() => {
    void version;
    void load();
  }, [load, version]);
  const changed = (m: string | null, p?: string) => {
    setMessage(m);
    setProblem(p ?? null);
    setVersion((v) => v + 1);
  };

  return (
    <Stack>
      <Title order={1} size="h3">
        Users
      </Title>
      <Problem text={problem} />
      <Done text={message} />
      <RoleRequests version={version} users={users ?? []} onChanged={changed} />
      <NewUser onCreated={() => setVersion((v) => v + 1)} />
      <TextInput
        label="Find a user"
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        maw={400}
      />
      {users && (
        <Table striped aria-label="Users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>User</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Last sign-in</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.map((u) => (
              <UserRow key={u.id} u={u} onChanged={changed} />
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
