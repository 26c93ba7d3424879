import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has defaults for a fresh machine', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: undefined,
      adminPassword: undefined,
      accessTokenTtl: 900,
      refreshTokenTtl: 30 * 86_400,
      loginMaxFailures: 5,
      lockoutSeconds: 900,
    });
    expect(c.embeddedDbDir).toMatch(/data[\\/]server$/);
  });

  it('speaks HTTPS only with both a certificate and a key, and bounds how long a request may take', () => {
    expect(loadConfig({}).tls).toBeUndefined();
    expect(loadConfig({}).requestTimeoutMs).toBe(30_000);
    expect(
      loadConfig({ HMS_TLS_CERT_FILE: '/etc/hms/cert.pem', HMS_TLS_KEY_FILE: '/etc/hms/key.pem' }).tls,
    ).toEqual({
      certFile: '/etc/hms/cert.pem',
      keyFile: '/etc/hms/key.pem',
    });
    expect(() => loadConfig({ HMS_TLS_CERT_FILE: '/etc/hms/cert.pem' })).toThrow(/give both/);
  });

  it('reads the environment', () => {
    const c = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u@h/db',
      HMS_DATA_DIR: '/var/lib/hms',
      HMS_ADMIN_PASSWORD: 'a long password',
      HMS_ACCESS_TOKEN_TTL: '60',
    });
    expect(c).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u@h/db',
      embeddedDbDir: '/var/lib/hms/server',
      adminPassword: 'a long password',
      accessTokenTtl: 60,
    });
    // An empty variable counts as unset.
    expect(loadConfig({ DATABASE_URL: '', HMS_ADMIN_PASSWORD: '' }).databaseUrl).toBeUndefined();
  });

  it('names each bad variable and never echoes a secret', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        HMS_ACCESS_TOKEN_TTL: '-5',
        HMS_ADMIN_PASSWORD: 'short',
        DATABASE_URL: 'mysql://x',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT');
    expect(message).toContain('"eighty"');
    expect(message).toContain('HMS_ACCESS_TOKEN_TTL');
    expect(message).toContain('HMS_ADMIN_PASSWORD');
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('short');
    expect(message).not.toContain('mysql');
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });
});
