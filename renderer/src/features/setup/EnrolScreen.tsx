/**
 * First run: this PC is not enrolled yet. An admin registered it on the server and gave a one-time
 * code; with the server's address it makes this PC a workstation, and the first download starts.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { appContract } from '../../../../main/common/index.ts';
import { showCallError } from '../../lib/form.ts';
import { hms, unwrap } from '../../lib/hms.ts';
import { Problem } from '../../lib/Notice.tsx';
import { useSession } from '../../stores/session.ts';

const Enroll = appContract.setup.enroll.args;
type EnrollInput = z.input<typeof Enroll>;

export function EnrolScreen() {
  const enrolled = useSession((s) => s.enrolled);
  const [problem, setProblem] = useState<string | null>(null);
  const form = useForm<EnrollInput>({
    resolver: zodResolver(Enroll),
    defaultValues: { server: useSession.getState().setup?.server ?? 'http://', code: '' },
  });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    setProblem(null);
    try {
      enrolled(await unwrap(hms.setup.enroll(values)));
    } catch (e) {
      setProblem(showCallError(e, form.setError, ['server', 'code']));
    }
  });

  return (
    <Paper component="main" withBorder shadow="sm" p="xl" maw={480} mx="auto" mt="10vh">
      <form onSubmit={submit} noValidate>
        <Stack>
          <div>
            <Title order={1} size="h2">
              Set up this workstation
            </Title>
            <Text c="dimmed" size="sm">
              Ask your administrator for the sync server's address and a one-time enrolment code for this PC.
            </Text>
          </div>
          <Problem text={problem} title="Not enrolled" />
          <TextInput
            label="Sync server address"
            placeholder="http://10.0.0.2:8080"
            autoFocus
            error={errors.server?.message}
            {...form.register('server')}
          />
          <TextInput label="Enrolment code" error={errors.code?.message} {...form.register('code')} />
          <Button type="submit" loading={isSubmitting}>
            Enrol this workstation
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
