import { describe, expect, it } from 'vitest';
import { unwrapTotpSecret, wrapTotpSecret } from './offline-totp.ts';

describe('a TOTP secret kept for offline sign-in', () => {
  const user = '01900000-0000-7000-8000-000000000001';

  it('opens with the password it was wrapped under, for that user only', () => {
    const wrapped = wrapTotpSecret('JBSWY3DPEHPK3PXP', 'correct horse battery', user);
    expect(wrapped).not.toContain('JBSWY3DPEHPK3PXP');
    expect(unwrapTotpSecret(wrapped, 'correct horse battery', user)).toBe('JBSWY3DPEHPK3PXP');
    expect(unwrapTotpSecret(wrapped, 'wrong password here', user)).toBeNull();
    expect(
      unwrapTotpSecret(wrapped, 'correct horse battery', '01900000-0000-7000-8000-000000000002'),
    ).toBeNull();
    expect(unwrapTotpSecret('garbage', 'correct horse battery', user)).toBeNull();
  });

  it('wraps the same secret differently each time (a salt and nonce per wrapping)', () => {
    expect(wrapTotpSecret('S', 'pw-pw-pw-pw', user)).not.toBe(wrapTotpSecret('S', 'pw-pw-pw-pw', user));
  });
});
