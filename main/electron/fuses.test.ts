import { describe, expect, it } from 'vitest';
import { FUSES } from './fuses.ts';

describe('Electron fuses', () => {
  it('closes every way of running other code through the signed binary', () => {
    expect(FUSES).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});
