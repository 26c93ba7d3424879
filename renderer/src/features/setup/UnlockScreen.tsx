/**
 * This PC keeps no key for its data (no OS secret store): the data opens with a passphrase typed
 * here, never written anywhere. The first time, the passphrase is chosen and typed twice.
 */
import { Button, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { hms } from '../../lib/hms.ts';
import { Problem } from '../../lib/Notice.tsx';
import { useSession } from '../../stores/session.ts';

export function UnlockScreen() {
  const first = useSession((s) => s.setup?.firstPassphrase ?? false);
  const load = useSession((s) => s.load);
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (first && passphrase !== again) return setProblem('the two passphrases differ');
    setBusy(true);
    const r = await hms.setup.unlock({ passphrase });
    setBusy(false);
    if (!r.ok) {
      setPassphrase('');
      setAgain('');
      return setProblem(r.error.issues?.[0]?.message ?? r.error.message);
    }
    await load();
  };

  return (
    <Paper component="main" withBorder shadow="sm" p="xl" maw={480} mx="auto" mt="10vh">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <div>
            <Title order={1} size="h2">
              {first ? "Choose this PC's passphrase" : "Unlock this PC's data"}
            </Title>
            <Text c="dimmed" size="sm">
              {first
                ? 'This PC has no secure store for the key to its data, so a passphrase opens it. Keep it with the ward: without it the data on this PC cannot be read (it can always be downloaded again).'
                : 'Type the passphrase chosen for this PC when it was set up.'}
            </Text>
          </div>
          <Problem text={problem} title="Not unlocked" />
          <PasswordInput
            label="Passphrase"
            description="At least 12 characters"
            autoFocus
            autoComplete={first ? 'new-password' : 'current-password'}
            value={passphrase}
            onChange={(e) => setPassphrase(e.currentTarget.value)}
          />
          {first && (
            <PasswordInput
              label="The same passphrase again"
              autoComplete="new-password"
              value={again}
              onChange={(e) => setAgain(e.currentTarget.value)}
            />
          )}
          <Button type="submit" loading={busy} disabled={passphrase.length < 12}>
            {first ? 'Set the passphrase' : 'Unlock'}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
