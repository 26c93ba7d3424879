/**
 * Sign-in: password, then the 6-digit code when the account has two-factor sign-in, and a new
 * password of the user's own when an admin has reset theirs. When the server
 * cannot be reached, a user who signed in on this PC before is checked here (the status bar says so).
 * Over a locked screen the same form unlocks, or lets the next clinician switch in.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { appContract } from '../../../../main/common/index.ts';
import { showCallError } from '../../lib/form.ts';
import { hms, unwrap } from '../../lib/hms.ts';
import { Problem } from '../../lib/Notice.tsx';
import { useSession } from '../../stores/session.ts';
import { FirstSyncProgress } from '../sync/FirstSyncProgress.tsx';

const Login = appContract.session.login.args;
type LoginInput = z.input<typeof Login>;

export function SignInScreen({ lockedBy }: { lockedBy?: string }) {
  const signedIn = useSession((s) => s.signedIn);
  const workstation = useSession((s) => s.setup?.workstationCode);
  const [askOtp, setAskOtp] = useState(false);
  const [askNew, setAskNew] = useState(false);
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const form = useForm<LoginInput>({
    resolver: zodResolver(Login),
    defaultValues: { username: lockedBy ?? '', password: '' },
  });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    setProblem(null);
    if (askNew && values.newPassword !== repeat) {
      form.setError('newPassword', { message: 'the two new passwords differ' });
      return;
    }
    try {
      const user = await unwrap(
        hms.session.login({
          ...values,
          otp: askOtp ? values.otp : undefined,
          newPassword: askNew ? values.newPassword : undefined,
        }),
      );
      signedIn(user);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'otp_required') {
        setAskOtp(true);
        setProblem('enter the 6-digit code from your authenticator app');
        return;
      }
      if (code === 'password_change_required') {
        setAskNew(true);
        setProblem('your password was reset by an administrator: choose a new one of your own');
        return;
      }
      if (code === 'otp_invalid') {
        // The password was right: only the code is asked again, and said wrong where it was typed.
        form.setValue('otp', '');
        form.setError('otp', { message: (e as Error).message }, { shouldFocus: true });
        return;
      }
      if (code === 'weak_password') {
        setProblem(showCallError(e, form.setError, ['newPassword']));
        return;
      }
      setProblem(showCallError(e, form.setError, ['username', 'password', 'otp', 'newPassword']));
      form.setValue('password', '');
    }
  });

  return (
    <Paper component="main" withBorder shadow="sm" p="xl" maw={420} mx="auto" mt="10vh">
      <form onSubmit={submit} noValidate>
        <Stack>
          <div>
            <Title order={1} size="h2">
              {lockedBy ? 'Screen locked' : 'Sign in'}
            </Title>
            <Text c="dimmed" size="sm">
              {lockedBy
                ? `Signed in as ${lockedBy}. Sign in again to go on, or sign in as someone else to switch user.`
                : `Workstation ${workstation ?? ''}`}
            </Text>
          </div>
          <FirstSyncProgress />
          <Problem text={problem} title="Not signed in" />
          <TextInput
            label="User name"
            autoComplete="username"
            autoFocus={!lockedBy}
            error={errors.username?.message}
            {...form.register('username')}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            autoFocus={Boolean(lockedBy)}
            error={errors.password?.message}
            {...form.register('password')}
          />
          {askOtp && (
            <TextInput
              label="6-digit code"
              inputMode="numeric"
              autoComplete="one-time-code"
              autoFocus
              error={errors.otp?.message}
              {...form.register('otp')}
            />
          )}
          {askNew && (
            <>
              <PasswordInput
                label="New password"
                description="At least 12 characters; not a common password or word"
                autoComplete="new-password"
                autoFocus
                error={errors.newPassword?.message}
                {...form.register('newPassword')}
              />
              <PasswordInput
                label="New password again"
                autoComplete="new-password"
                value={repeat}
                onChange={(e) => setRepeat(e.currentTarget.value)}
              />
            </>
          )}
          <Button type="submit" loading={isSubmitting}>
            {lockedBy ? 'Unlock' : 'Sign in'}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
