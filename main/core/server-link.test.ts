import { describe, expect, it } from 'vitest';
import { checkServerUrl, isLoopback } from './server-link.ts';

describe('the sync server address', () => {
  it('knows this machine from the network', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]']) expect(isLoopback(h)).toBe(true);
    for (const h of ['10.0.0.2', 'sync.hospital.local', '128.0.0.1', '[::2]'])
      expect(isLoopback(h)).toBe(false);
  });

  it('accepts https anywhere and http on this machine only', () => {
    expect(checkServerUrl('https://sync.hospital.local:8443/')).toEqual({
      ok: true,
      value: 'https://sync.hospital.local:8443',
    });
    expect(checkServerUrl('http://127.0.0.1:8080')).toEqual({ ok: true, value: 'http://127.0.0.1:8080' });
    const lan = checkServerUrl('http://10.0.0.2:8080');
    expect(lan.ok ? null : lan.error.code).toBe('insecure_server');
    expect(lan.ok ? '' : lan.error.message).toMatch(/refusing plain http:\/\/ to 10\.0\.0\.2:8080/);
    // IT's explicit choice.
    expect(checkServerUrl('http://10.0.0.2:8080', true).ok).toBe(true);
  });

  it('refuses what is not a plain server address', () => {
    for (const bad of [
      'sync.hospital.local',
      'ftp://10.0.0.2',
      'https://admin:pw@10.0.0.2',
      'https://10.0.0.2/?x=1',
    ])
      expect(checkServerUrl(bad).ok, bad).toBe(false);
  });
});
