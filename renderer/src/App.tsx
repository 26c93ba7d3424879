/**
 * The app's frame: first-run setup, sign-in, then the workstation's screens with the status bar
 * always at the bottom. Clinical, pharmacy and billing screens join the navigation as they come.
 */
import { Alert, AppShell, Badge, Button, Center, Group, Loader, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { AuditScreen } from './features/admin/AuditScreen.tsx';
import { UsersScreen } from './features/admin/UsersScreen.tsx';
import { WorkstationsScreen } from './features/admin/WorkstationsScreen.tsx';
import { ChartScreen } from './features/patients/ChartScreen.tsx';
import { EditScreen } from './features/patients/EditScreen.tsx';
import { RegisterScreen } from './features/patients/RegisterScreen.tsx';
import { RegistryScreen } from './features/patients/RegistryScreen.tsx';
import { SignInScreen } from './features/session/SignInScreen.tsx';
import { EnrolScreen } from './features/setup/EnrolScreen.tsx';
import { UnlockScreen } from './features/setup/UnlockScreen.tsx';
import { useIdleLock } from './features/shell/idle.ts';
import { SignOutButton } from './features/shell/SignOutButton.tsx';
import { ConflictsScreen } from './features/sync/ConflictsScreen.tsx';
import { QuarantineScreen } from './features/sync/QuarantineScreen.tsx';
import { StatusBar } from './features/sync/StatusBar.tsx';
import { hms } from './lib/hms.ts';
import { useNavigation, type View } from './stores/navigation.ts';
import { useSession } from './stores/session.ts';
import { followStatus, useStatus } from './stores/status.ts';

function Screen({ view }: { view: View }) {
  switch (view.name) {
    case 'patients':
      return <RegistryScreen />;
    case 'register':
      return <RegisterScreen />;
    case 'chart':
      return <ChartScreen key={view.id} id={view.id} />;
    case 'edit':
      return <EditScreen key={view.id} id={view.id} />;
    case 'conflicts':
      return <ConflictsScreen />;
    case 'quarantine':
      return <QuarantineScreen />;
    case 'users':
      return <UsersScreen />;
    case 'workstations':
      return <WorkstationsScreen />;
    case 'audit':
      return <AuditScreen />;
  }
}

const NAV: { view: View; label: string; admin?: boolean }[] = [
  { view: { name: 'patients' }, label: 'Patients' },
  { view: { name: 'conflicts' }, label: 'Conflicts' },
  { view: { name: 'quarantine' }, label: 'Refused writes' },
  { view: { name: 'users' }, label: 'Users', admin: true },
  { view: { name: 'workstations' }, label: 'Workstations', admin: true },
  { view: { name: 'audit' }, label: 'Audit', admin: true },
];

function Workspace() {
  const user = useSession((s) => s.user);
  const setup = useSession((s) => s.setup);
  const lock = useSession((s) => s.lock);
  const view = useNavigation((s) => s.view);
  const go = useNavigation((s) => s.go);
  const revoked = useStatus((s) => s.status?.revoked ?? false);
  const [lockMinutes, setLockMinutes] = useState<number | null>(null);
  useEffect(() => {
    void hms.session.policy().then((r) => r.ok && setLockMinutes(r.value.autoLockMinutes));
  }, []);
  useIdleLock(lockMinutes, lock);

  return (
    <AppShell header={{ height: 56 }} footer={{ height: 44 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <Title order={2} size="h4">
              HMS
            </Title>
            <Text size="sm" c="dimmed">
              {setup?.workstationCode}
            </Text>
            <Group gap={4} component="nav" aria-label="Main">
              {NAV.filter((n) => !n.admin || user?.role === 'admin').map((n) => (
                <Button
                  key={n.view.name}
                  variant={view.name === n.view.name ? 'filled' : 'subtle'}
                  size="xs"
                  onClick={() => go(n.view)}
                  aria-current={view.name === n.view.name ? 'page' : undefined}
                >
                  {n.label}
                </Button>
              ))}
            </Group>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm">
              {user?.first_name} {user?.last_name}
            </Text>
            <Badge variant="light">{user?.role}</Badge>
            <Button variant="subtle" size="xs" onClick={lock}>
              Lock
            </Button>
            <SignOutButton />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main style={{ display: 'flex', flexDirection: 'column', height: '100dvh' }}>
        {revoked && (
          <Alert color="red" mb="md" title="This workstation has been revoked">
            An administrator withdrew this PC. It no longer syncs; what is on it stays here and can still be
            read.
          </Alert>
        )}
        <div style={{ flex: 1, minHeight: 0, overflow: 'auto' }}>
          <Screen view={view} />
        </div>
      </AppShell.Main>
      <AppShell.Footer>
        <StatusBar />
      </AppShell.Footer>
    </AppShell>
  );
}

export function App() {
  const phase = useSession((s) => s.phase);
  const locked = useSession((s) => s.locked);
  const user = useSession((s) => s.user);
  const problem = useSession((s) => s.problem);
  const load = useSession((s) => s.load);

  useEffect(() => {
    void load();
    return followStatus();
  }, [load]);

  if (phase === 'loading')
    return (
      <Center h="100vh">
        <Loader aria-label="Starting" />
      </Center>
    );
  if (phase === 'unreachable')
    return (
      <Center h="100vh">
        <Alert color="red" title="Cannot reach this workstation" maw={520}>
          {problem}
          <Button mt="md" onClick={() => void load()}>
            Try again
          </Button>
        </Alert>
      </Center>
    );
  if (phase === 'unlock') return <UnlockScreen />;
  if (phase === 'setup') return <EnrolScreen />;
  if (phase === 'signin') return <SignInScreen />;
  if (locked) return <SignInScreen lockedBy={user?.username ?? ''} />;
  return <Workspace />;
}
