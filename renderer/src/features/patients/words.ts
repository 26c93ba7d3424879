/** How the registry says why a patient matched, and who the patient is, in one line. */
import type { DuplicateReason, MatchKind, PatientRecord } from '../../../../main/common/index.ts';

export const MATCH_WORDS: Record<MatchKind, string> = {
  mrn: 'MRN',
  national_id: 'national ID',
  phone: 'phone',
  date_of_birth: 'date of birth',
  name: 'name',
  similar_name: 'sounds alike',
  text: 'other details',
};

export const DUPLICATE_WORDS: Record<DuplicateReason, string> = {
  name_and_birth_date: 'same name and date of birth',
  phone: 'same phone number',
  national_id: 'same national ID',
};

export const fullName = (p: PatientRecord): string =>
  [p.first_name, p.middle_name, p.last_name].filter(Boolean).join(' ');

export const GENDER_WORDS: Record<string, string> = {
  female: 'Female',
  male: 'Male',
  other: 'Other',
  unknown: 'Unknown',
};
