import { describe, expect, it } from 'vitest';
import { boxFor, fromBox, inColumnOrder, reasonByField, reasonInWords, toBox } from './refused-fields.ts';

describe('the boxes of a refused write', () => {
  it('gives each column the box its kind calls for', () => {
    expect(boxFor('patients', 'consent_sms', true)).toEqual({ kind: 'check' });
    expect(boxFor('patients', 'date_of_birth', '1970-03-03')).toEqual({ kind: 'date' });
    expect(boxFor('patients', 'ward_id', null)).toEqual({ kind: 'id' });
    expect(boxFor('patients', 'phone', '+220 7012345')).toEqual({ kind: 'text', long: false });
    expect(boxFor('patients', 'address', 'x'.repeat(80))).toEqual({ kind: 'text', long: true });
    // A required list offers only its values; an optional one can be left "not given".
    expect(boxFor('patients', 'gender', 'female')).toMatchObject({
      kind: 'choice',
      options: [
        { value: 'female', label: 'Female' },
        { value: 'male', label: 'Male' },
        { value: 'other', label: 'Other' },
        { value: 'unknown', label: 'Unknown' },
      ],
    });
    const blood = boxFor('patients', 'blood_group', 'O+');
    expect(blood.kind === 'choice' && blood.options.slice(0, 2)).toEqual([
      { value: '', label: 'Not given' },
      { value: 'A+', label: 'A+' },
    ]);
    // A column the schema does not know: by its value.
    expect(boxFor('no_such_table', 'flag', false)).toEqual({ kind: 'check' });
    expect(boxFor('no_such_table', 'n', 3)).toEqual({ kind: 'number' });
  });

  it('turns a value into what its box holds and back, an empty box being "not given"', () => {
    expect(toBox({ kind: 'check' }, true)).toBe(true);
    expect(fromBox({ kind: 'check' }, false)).toBe(false);
    expect(toBox({ kind: 'date' }, '1970-03-03')).toBe('1970-03-03');
    expect(toBox({ kind: 'text', long: false }, null)).toBe('');
    expect(fromBox({ kind: 'text', long: false }, '  ')).toBeNull();
    expect(fromBox({ kind: 'number' }, '7')).toBe(7);
    expect(fromBox({ kind: 'number' }, 'seven')).toBe('seven');
    expect(toBox({ kind: 'json' }, { a: 1 })).toBe('{"a":1}');
    expect(fromBox({ kind: 'json' }, '{"a":1}')).toEqual({ a: 1 });
    // A time is shown on the PC's clock to the minute and sent back as the same instant.
    const at = '2026-11-25T09:58:00.000Z';
    const held = toBox({ kind: 'datetime' }, at);
    expect(held).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    expect(fromBox({ kind: 'datetime' }, held)).toBe(at);
  });
});

describe('a refusal next to the field it names', () => {
  const fields = ['mrn', 'first_name', 'phone', 'email', 'blood_group', 'national_id'];

  it('places a broken rule under its field, without the rule name meant for engineers', () => {
    expect(
      reasonByField(
        'invalid: phone: must be a phone number (format); email: not an e-mail address (format)',
        'patients',
        fields,
      ),
    ).toEqual({ phone: 'must be a phone number', email: 'not an e-mail address' });
  });

  it('places a policy refusal under the field it names, spelled as its label', () => {
    expect(
      reasonByField('not allowed: receptionist may not create patients.blood_group', 'patients', fields),
    ).toEqual({ blood_group: 'receptionist may not create blood group' });
    expect(
      reasonByField(
        "outside this workstation's scope: a reception workstation does not hold patients.blood_group, patients.national_id",
        'patients',
        fields,
      ),
    ).toMatchObject({
      blood_group: 'a reception workstation does not hold blood group, national ID',
      national_id: 'a reception workstation does not hold blood group, national ID',
    });
  });

  it('reads the field out of a database constraint', () => {
    expect(
      reasonByField('rejected by the database: duplicate value (patients_mrn_key)', 'patients', fields),
    ).toEqual({ mrn: 'another record already has this value' });
  });

  it('places nothing when the reason names no field of the write', () => {
    expect(reasonByField('lab_technician may not create patients', 'patients', fields)).toEqual({});
    expect(reasonByField('invalid: (row): discharge before admission (order)', 'patients', fields)).toEqual(
      {},
    );
    expect(reasonByField('not allowed: nurse may not update vitals.weight', 'patients', fields)).toEqual({});
  });
});

describe('a refusal in words', () => {
  it('spells fields by their labels and other names as words', () => {
    expect(reasonInWords('not allowed: lab_technician may not create patients', 'patients')).toBe(
      'Not allowed: lab technician may not create patients',
    );
    expect(
      reasonInWords('not allowed: receptionist may not create patients.next_of_kin_name', 'patients'),
    ).toBe('Not allowed: receptionist may not create next of kin');
  });

  it("lists a write's fields in the order of its table's columns", () => {
    expect(
      inColumnOrder('patients', ['consent_sms', 'gender', 'mrn', 'last_name', 'first_name', 'odd']),
    ).toEqual(['mrn', 'first_name', 'last_name', 'gender', 'consent_sms', 'odd']);
  });
});
