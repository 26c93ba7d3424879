import { describe, expect, it } from 'vitest';
import { choiceLabel, fieldLabel, inSentence, tableLabel } from './labels.ts';

describe('labels', () => {
  it('names fields as the registration form does, abbreviations as staff write them', () => {
    expect(
      [
        'mrn',
        'first_name',
        'date_of_birth',
        'email',
        'national_id',
        'next_of_kin_name',
        'next_of_kin_phone',
        'consent_sms',
        'consent_email',
        'known_allergies',
      ].map((f) => fieldLabel(f, 'patients')),
    ).toEqual([
      'MRN',
      'First name',
      'Date of birth',
      'E-mail',
      'National ID',
      'Next of kin',
      'Next of kin phone',
      'Reminders by SMS',
      'Reminders by e-mail',
      'Known allergies',
    ]);
  });

  it('reads a reference as what it points at, and a column it does not know from its name', () => {
    expect(fieldLabel('ward_id', 'patients')).toBe('Ward');
    expect(fieldLabel('patient_id', 'vitals')).toBe('Patient');
    expect(fieldLabel('icd10_code', 'encounters')).toBe('ICD-10 code');
    expect(fieldLabel('some_new_column')).toBe('Some new column');
  });

  it('names tables by one of their rows, and stored choices in words', () => {
    expect([tableLabel('patients'), tableLabel('lab_results'), tableLabel('allergies')]).toEqual([
      'Patient',
      'Lab result',
      'Allergy',
    ]);
    expect([choiceLabel('female'), choiceLabel('in_progress'), choiceLabel('AB+')]).toEqual([
      'Female',
      'In progress',
      'AB+',
    ]);
  });
});

describe('a label inside a sentence', () => {
  it('lowers its first letter unless it opens with an abbreviation', () => {
    expect(['Next of kin', 'MRN', 'National ID', 'ICD-10 code', 'E-mail'].map(inSentence)).toEqual([
      'next of kin',
      'MRN',
      'national ID',
      'ICD-10 code',
      'e-mail',
    ]);
  });
});
