/** Editing a patient's details: only the fields changed are sent, so a colleague's edit of another field stands. */
import { Loader } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { PatientRecord } from '../../../../main/common/index.ts';
import { hms, unwrap } from '../../lib/hms.ts';
import { useNavigation } from '../../stores/navigation.ts';
import { type PatientFields, PatientForm } from './PatientForm.tsx';
import { fullName } from './words.ts';

export function EditScreen({ id }: { id: string }) {
  const go = useNavigation((s) => s.go);
  const [patient, setPatient] = useState<PatientRecord | null>(null);
  useEffect(() => {
    void unwrap(hms.patients.chart({ id })).then((c) => setPatient(c.patient));
  }, [id]);
  if (!patient) return <Loader aria-label="Loading" />;

  const save = async (values: PatientFields, changed: (keyof PatientFields)[]) => {
    if (changed.length) {
      const changes = Object.fromEntries(
        changed.map((k) => [k, values[k] === '' ? null : values[k]]),
      ) as Partial<PatientFields>;
      await unwrap(hms.patients.update({ id, changes }));
    }
    go({ name: 'chart', id });
  };
  return (
    <PatientForm
      action="update"
      title={`Edit ${fullName(patient)}`}
      initial={patient}
      submitLabel="Save changes"
      onSave={save}
      onCancel={() => go({ name: 'chart', id })}
    />
  );
}
