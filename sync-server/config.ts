/**
 * The sync server's configuration, read once from the environment and validated. A bad value stops
 * the server at start with a message naming the variable, never later at a request.
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';
import { newPasswordSchema } from '../db/primitives/password-rules.ts';
import type { ChannelConfig } from './reminders/channels.ts';

const intFrom = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const EnvSchema = z.object({
  PORT: intFrom(0, 65_535).default(8080),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  HMS_DATA_DIR: z.string().trim().min(1).default('./data'),
  HMS_ADMIN_PASSWORD: optionalText.pipe(newPasswordSchema.optional()),
  HMS_JWT_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  HMS_ACCESS_TOKEN_TTL: intFrom(30, 86_400).default(900),
  HMS_REFRESH_TOKEN_TTL: intFrom(300, 365 * 86_400).default(30 * 86_400),
  HMS_LOGIN_MAX_FAILURES: intFrom(1, 100).default(5),
  HMS_LOCKOUT_SECONDS: intFrom(1, 86_400).default(15 * 60),
  HMS_AUTH_RATE_PER_MINUTE: intFrom(1, 1_000_000).default(20),
  HMS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HMS_CHANGE_LOG_RETENTION_DAYS: intFrom(1, 3650).default(30),
  HMS_KEY_DIR: optionalText,
  HMS_REQUEST_TIMEOUT_SECONDS: intFrom(1, 3600).default(30),
  HMS_TLS_CERT_FILE: optionalText,
  HMS_TLS_KEY_FILE: optionalText,
  SMTP_URL: optionalText.pipe(
    z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
  ),
  DEFAULT_FROM_EMAIL: optionalText.pipe(z.email('must be an e-mail address').optional()),
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_PHONE_NUMBER: optionalText,
  TWILIO_API_BASE: optionalText.pipe(z.url('must be a URL').optional()),
  HMS_REMINDER_INTERVAL_SECONDS: intFrom(5, 3600).default(30),
  HMS_BACKUP_DIR: optionalText,
  HMS_RELEASES_DIR: optionalText,
  HMS_BACKUP_KEEP: intFrom(1, 1000).default(7),
  HMS_BACKUP_SCHEDULE: z.string().trim().min(1).default('30 2 * * *'),
});

const SECRET_VARS = new Set([
  'HMS_ADMIN_PASSWORD',
  'HMS_JWT_SECRET',
  'DATABASE_URL',
  'SMTP_URL',
  'TWILIO_AUTH_TOKEN',
]);

export interface Config {
  port: number;
  host: string;
  /** Real Postgres when set; otherwise the embedded PGlite database in `embeddedDbDir`. */
  databaseUrl: string | undefined;
  /** Where the embedded database keeps its files: `HMS_DATA_DIR/server`, absolute. */
  embeddedDbDir: string;
  adminPassword: string | undefined;
  /** Where the server's keys are kept, outside the database (auth/secrets.ts): `HMS_KEY_DIR`. */
  keyDir: string;
  /** Overrides the generated JWT signing key (kept in `keyDir`) when set. */
  jwtSecret: string | undefined;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  loginMaxFailures: number;
  lockoutSeconds: number;
  /** Sign-in, 2FA and enrolment requests one client address may make per minute (each route apart). */
  authRatePerMinute: number;
  /** Change-log entries older than this are compacted; a PC offline longer re-snapshots. */
  changeLogRetentionDays: number;
  /** fastify's logger level; `silent` turns logging off. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * How long a client may take to send a whole request (headers and body); a slower one is cut off.
   * Long-polls are not affected: their request is complete at once, and their hold has its own bound.
   */
  requestTimeoutMs: number;
  /** PEM certificate (chain) and private key files: the server speaks HTTPS when set. */
  tls: { certFile: string; keyFile: string } | undefined;
  /** How messages leave: SMTP and Twilio; an unset channel fails its messages with that reason. */
  messaging: ChannelConfig;
  /** How often due reminder messages are sent (seconds); 0 only in tests: they send by hand. */
  reminderIntervalSeconds: number;
  /** Nightly backups: where, how many kept, when (cron). */
  backup: { dir: string; keep: number; schedule: string };
  /** Desktop releases served to the workstations, one folder per release (`HMS_RELEASES_DIR`). */
  releasesDir: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the configuration from `env` (default `process.env`); throws `ConfigError` naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0]);
        // Never echo a secret back, not even a malformed one.
        const shown = SECRET_VARS.has(name) ? '' : ` (got ${JSON.stringify(env[name])})`;
        return `${name}: ${i.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  const twilioVars = [e.TWILIO_ACCOUNT_SID, e.TWILIO_AUTH_TOKEN, e.TWILIO_PHONE_NUMBER];
  if (twilioVars.some(Boolean) && !twilioVars.every(Boolean))
    throw new ConfigError([
      'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER: give all three (SMS) or none',
    ]);
  if (!cron.validate(e.HMS_BACKUP_SCHEDULE))
    throw new ConfigError([
      `HMS_BACKUP_SCHEDULE: not a cron schedule (got ${JSON.stringify(e.HMS_BACKUP_SCHEDULE)})`,
    ]);
  if (!e.SMTP_URL !== !e.DEFAULT_FROM_EMAIL)
    throw new ConfigError(['SMTP_URL and DEFAULT_FROM_EMAIL: give both (e-mail) or neither']);
  if (!e.HMS_TLS_CERT_FILE !== !e.HMS_TLS_KEY_FILE)
    throw new ConfigError([
      'HMS_TLS_CERT_FILE and HMS_TLS_KEY_FILE: give both (HTTPS) or neither (plain HTTP)',
    ]);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    embeddedDbDir: join(resolve(e.HMS_DATA_DIR), 'server'),
    keyDir: resolve(e.HMS_KEY_DIR ?? join(e.HMS_DATA_DIR, 'keys')),
    adminPassword: e.HMS_ADMIN_PASSWORD,
    jwtSecret: e.HMS_JWT_SECRET,
    accessTokenTtl: e.HMS_ACCESS_TOKEN_TTL,
    refreshTokenTtl: e.HMS_REFRESH_TOKEN_TTL,
    loginMaxFailures: e.HMS_LOGIN_MAX_FAILURES,
    lockoutSeconds: e.HMS_LOCKOUT_SECONDS,
    authRatePerMinute: e.HMS_AUTH_RATE_PER_MINUTE,
    changeLogRetentionDays: e.HMS_CHANGE_LOG_RETENTION_DAYS,
    logLevel: e.HMS_LOG_LEVEL,
    requestTimeoutMs: e.HMS_REQUEST_TIMEOUT_SECONDS * 1000,
    tls:
      e.HMS_TLS_CERT_FILE && e.HMS_TLS_KEY_FILE
        ? { certFile: e.HMS_TLS_CERT_FILE, keyFile: e.HMS_TLS_KEY_FILE }
        : undefined,
    messaging: {
      smtpUrl: e.SMTP_URL,
      fromEmail: e.DEFAULT_FROM_EMAIL,
      twilio:
        e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_PHONE_NUMBER
          ? {
              accountSid: e.TWILIO_ACCOUNT_SID,
              authToken: e.TWILIO_AUTH_TOKEN,
              from: e.TWILIO_PHONE_NUMBER,
              apiBase: e.TWILIO_API_BASE,
            }
          : undefined,
    },
    reminderIntervalSeconds: e.HMS_REMINDER_INTERVAL_SECONDS,
    releasesDir: resolve(e.HMS_RELEASES_DIR ?? join(e.HMS_DATA_DIR, 'releases')),
    backup: {
      dir: resolve(e.HMS_BACKUP_DIR ?? join(e.HMS_DATA_DIR, 'backups')),
      keep: e.HMS_BACKUP_KEEP,
      schedule: e.HMS_BACKUP_SCHEDULE,
    },
  };
}

/**
 * A configuration for tests and embedding: defaults with overrides. Every test client shares one
 * address (loopback), so the per-client rate limit is lifted unless a test sets it.
 */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({}),
    logLevel: 'silent',
    authRatePerMinute: 1_000_000,
    // One key directory per test process, never the working copy's ./data.
    keyDir: join(tmpdir(), `hms-test-keys-${process.pid}`),
    // Tests send reminders themselves, with the clock they choose.
    reminderIntervalSeconds: 0,
    backup: { dir: join(tmpdir(), `hms-test-backups-${process.pid}`), keep: 7, schedule: '30 2 * * *' },
    ...overrides,
  };
}
