/**
 * Errors from the core shown where they belong: an issue naming a field goes under that field, the
 * rest as one sentence over the form. The form keeps what was typed either way.
 */
import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { CallError } from './hms.ts';

export function showCallError<T extends FieldValues>(
  e: unknown,
  setError: UseFormSetError<T>,
  fields: readonly string[],
): string | null {
  if (!(e instanceof CallError)) return e instanceof Error ? e.message : String(e);
  let unplaced = false;
  for (const issue of e.issues) {
    if (fields.includes(issue.field)) setError(issue.field as Path<T>, { message: issue.message });
    else unplaced = true;
  }
  return e.issues.length === 0 || unplaced ? e.message : null;
}
