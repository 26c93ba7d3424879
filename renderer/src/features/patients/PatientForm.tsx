/**
 * The patient's details as the registration desk types them, for registering and for editing. The
 * checks are the contract's own zod schema (main/common/patients.ts), so the screen and the core
 * cannot disagree; what only the core can judge (dates in the future, formats) comes back as issues
 * and is shown under the field. A failed save keeps everything typed.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import {
  Button,
  Checkbox,
  Group,
  NativeSelect,
  SimpleGrid,
  Stack,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { can, kindHolds } from '../../../../db/policy.ts';
import { BLOOD_GROUPS, GENDERS, WORKSTATION_KINDS } from '../../../../db/schema/enums.ts';
import { appContract, type PatientRecord } from '../../../../main/common/index.ts';
import { showCallError } from '../../lib/form.ts';
import { Problem } from '../../lib/Notice.tsx';
import { useSession } from '../../stores/session.ts';
import { useStatus } from '../../stores/status.ts';
import { GENDER_WORDS } from './words.ts';

/** The form's own shape: the register schema without its bookkeeping field. */
const Fields = appContract.patients.register.args.omit({ confirmedNotDuplicateOf: true });
export type PatientFields = z.output<typeof Fields>;
type FieldsInput = z.input<typeof Fields>;

const FIELD_NAMES = Object.keys(Fields.shape);

/** Empty boxes are "not given", not an empty string saved on a new record. */
export function withoutBlanks(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== '' && v !== undefined && v !== null),
  );
}

const fromRecord = (p: PatientRecord): FieldsInput =>
  Object.fromEntries(
    FIELD_NAMES.map((k) => {
      const v = (p as Record<string, unknown>)[k];
      // Absent (or not readable by this role): left out, so the schema sees "not given", not "".
      return [k, typeof v === 'boolean' ? v : v == null ? undefined : String(v)];
    }),
  ) as FieldsInput;

export function PatientForm(props: {
  title: string;
  /** Which write this is: the form offers only the fields the signed-in role may set in it. */
  action: 'create' | 'update';
  initial?: PatientRecord;
  submitLabel: string;
  /** Saves; throws a CallError to show its issues. */
  onSave: (values: PatientFields, changed: (keyof PatientFields)[]) => Promise<void>;
  onCancel: () => void;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const form = useForm<FieldsInput, unknown, PatientFields>({
    resolver: zodResolver(Fields),
    defaultValues: props.initial
      ? fromRecord(props.initial)
      : { first_name: '', last_name: '', date_of_birth: '', gender: 'female', consent_sms: true },
  });
  const { errors, isSubmitting, dirtyFields } = form.formState;
  const role = useSession((s) => s.user?.role ?? '');
  const kind = useStatus((s) => s.status?.kind ?? null);
  const pcKind = WORKSTATION_KINDS.find((k) => k === kind) ?? null;
  // The same policy the core and the server apply (db/policy.ts): a receptionist sets no blood group,
  // and a front-desk PC sends none whoever signs in there (the server refuses a field its kind of PC
  // does not hold).
  const may = (field: string) =>
    can(role, props.action, 'patients', field) && (pcKind === null || kindHolds(pcKind, 'patients', field));

  const submit = form.handleSubmit(
    async (values) => {
      setProblem(null);
      try {
        const allowed = Object.fromEntries(Object.entries(values).filter(([k]) => may(k))) as PatientFields;
        const changed = Object.keys(dirtyFields).filter(may) as (keyof PatientFields)[];
        await props.onSave(allowed, changed);
      } catch (e) {
        setProblem(showCallError(e, form.setError, FIELD_NAMES));
      }
    },
    // A field this form does not show can still be invalid (a value on the record from elsewhere): say which.
    (invalid) => {
      const hidden = Object.entries(invalid).filter(([k]) => !may(k));
      setProblem(
        hidden.length ? hidden.map(([k, e]) => `${k}: ${e?.message ?? 'invalid'}`).join('; ') : null,
      );
    },
  );

  const text = (name: keyof FieldsInput & string, label: string, extra: Record<string, unknown> = {}) =>
    may(name) && (
      <TextInput
        label={label}
        error={errors[name]?.message}
        {...form.register(name as 'first_name')}
        {...extra}
      />
    );

  return (
    <form onSubmit={submit} noValidate aria-label={props.title}>
      <Stack maw={900}>
        <Title order={1} size="h3">
          {props.title}
        </Title>
        <Problem text={problem} title="Not saved" />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {text('first_name', 'First name', { withAsterisk: true, autoFocus: true })}
          {text('middle_name', 'Middle name')}
          {text('last_name', 'Last name', { withAsterisk: true })}
          {text('date_of_birth', 'Date of birth', { type: 'date', withAsterisk: true })}
          <NativeSelect
            label="Gender"
            withAsterisk
            data={GENDERS.map((g) => ({ value: g, label: GENDER_WORDS[g] ?? g }))}
            error={errors.gender?.message}
            {...form.register('gender')}
          />
          {may('blood_group') && (
            <NativeSelect
              label="Blood group"
              data={[{ value: '', label: 'Not known' }, ...BLOOD_GROUPS.map((b) => ({ value: b, label: b }))]}
              error={errors.blood_group?.message}
              {...form.register('blood_group', { setValueAs: (v: string) => (v === '' ? null : v) })}
            />
          )}
          {text('phone', 'Phone', { type: 'tel', autoComplete: 'off' })}
          {text('email', 'E-mail', { type: 'email', autoComplete: 'off' })}
          {text('national_id', 'National ID')}
          {text('next_of_kin_name', 'Next of kin')}
          {text('next_of_kin_phone', 'Next of kin phone', { type: 'tel', autoComplete: 'off' })}
        </SimpleGrid>
        <Textarea
          label="Address"
          autosize
          minRows={2}
          error={errors.address?.message}
          {...form.register('address')}
        />
        {may('known_allergies') && (
          <Textarea
            label="Known allergies"
            autosize
            minRows={2}
            error={errors.known_allergies?.message}
            {...form.register('known_allergies')}
          />
        )}
        <Group>
          {may('consent_sms') && <Checkbox label="Reminders by SMS" {...form.register('consent_sms')} />}
          {may('consent_email') && (
            <Checkbox label="Reminders by e-mail" {...form.register('consent_email')} />
          )}
        </Group>
        <Group>
          <Button type="submit" loading={isSubmitting}>
            {props.submitLabel}
          </Button>
          <Button variant="default" onClick={props.onCancel}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
