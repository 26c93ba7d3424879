/**
 * Tables, fields and stored values as the hospital says them, in one place for every screen that
 * shows a row by its column names (the sync queues, which can hold a write to any table). A field
 * without an entry is read from its name: `date_of_birth` → "Date of birth", with the abbreviations
 * staff use written as they write them (`mrn` → "MRN", `national_id` → "National ID").
 */
import { tableByName } from '../../../db/schema/index.ts';

/** Field and table names as words: `next_of_kin_phone` → "next of kin phone". */
export const words = (name: string | null): string => (name ?? '').replaceAll('_', ' ');

/** A table's name for one of its rows: `lab_results` → "lab result", `allergies` → "allergy". */
export const rowWord = (table: string): string =>
  words(table)
    .replace(/ies$/, 'y')
    .replace(/(?<!s)s$/, '');

export const sentence = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A label inside a sentence: "Next of kin" → "next of kin", but "MRN" and "ICD-10 code" stay. */
export const inSentence = (label: string): string =>
  /^[A-Z0-9][A-Z0-9-]*[A-Z0-9](?=\s|$)/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);

/** Words written otherwise than their column spelling. */
const SPELLED: Record<string, string> = {
  id: 'ID',
  mrn: 'MRN',
  sms: 'SMS',
  bmi: 'BMI',
  icd10: 'ICD-10',
  dob: 'date of birth',
  email: 'e-mail',
  url: 'URL',
  grn: 'GRN',
  po: 'PO',
};

/**
 * Fields whose label is not their name in words (the same words as the registration form), by
 * `table.field`, or by `field` in any table.
 */
const LABELS: Record<string, string> = {
  'patients.next_of_kin_name': 'Next of kin',
  consent_sms: 'Reminders by SMS',
  consent_email: 'Reminders by e-mail',
  merged_into_id: 'Merged into',
  is_active: 'Active',
  is_public: 'Public',
  is_read: 'Read',
};

/** A field as a label over its box: `mrn` → "MRN", `ward_id` → "Ward", `consent_sms` → "Reminders by SMS". */
export function fieldLabel(field: string, table?: string): string {
  const named = (table && LABELS[`${table}.${field}`]) || LABELS[field];
  if (named) return named;
  const parts = field.split('_').filter(Boolean);
  // A reference reads as what it points at: `ward_id` → "Ward" (`national_id` stays an ID).
  const reference = table ? tableByName(table)?.columns[field]?.references : undefined;
  if (reference && parts.length > 1 && parts.at(-1) === 'id') parts.pop();
  return sentence(parts.map((p) => SPELLED[p] ?? p).join(' '));
}

/** A table as a heading names its rows: `patients` → "Patient", `lab_results` → "Lab result". */
export const tableLabel = (table: string): string => sentence(rowWord(table));

/** A stored value of a closed list as words: `female` → "Female", `in_progress` → "In progress". */
export const choiceLabel = (value: string): string =>
  /^[a-z0-9_]+$/.test(value) ? sentence(words(value)) : value;
