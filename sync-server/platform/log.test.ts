import { describe, expect, it } from 'vitest';
import { loggableError } from './log.ts';

describe('what of an error reaches the log', () => {
  it('keeps the kind, database code and place, never the message that quotes the values', () => {
    // As drizzle raises it: the failed query with its parameters, over the driver's error.
    const cause = Object.assign(
      new Error('duplicate key value violates unique constraint "patients_mrn_key"'),
      {
        code: '23505',
        constraint: 'patients_mrn_key',
        table: 'patients',
        detail: 'Key (mrn)=(P-R1A2-000001) already exists.',
      },
    );
    const error = new Error(
      'Failed query: insert into "patients" ... params: Awa,Jallow,penicillin allergy',
      {
        cause,
      },
    );
    const logged = loggableError(error);
    expect(logged).toMatchObject({
      type: 'Error',
      code: '23505',
      constraint: 'patients_mrn_key',
      table: 'patients',
    });
    const text = JSON.stringify(logged);
    for (const secret of ['Awa', 'penicillin', 'P-R1A2-000001', 'Failed query'])
      expect(text).not.toContain(secret);
    expect((logged.at as string[]).length).toBeGreaterThan(0);
  });

  it('says only the type of something thrown that is not an error', () => {
    expect(loggableError('Awa Jallow')).toEqual({ type: 'string' });
  });
});
