/**
 * The server's keys, kept in files outside the database they protect (`HMS_KEY_DIR`, default
 * `<HMS_DATA_DIR>/keys`, directory 0700, files 0600): the JWT signing key, the key that encrypts TOTP
 * secrets at rest, and the key of the audit chain's HMAC. A copy of the database alone (a backup, a
 * dump handed to a vendor) then cannot mint tokens, read 2FA secrets, or re-seal a rewritten audit
 * trail. Made on first start; a database from before keeps working: its stored keys move out to the
 * files and leave `server_secrets`. Several server instances share the directory (or copies of it).
 * `HMS_JWT_SECRET` still overrides the signing key.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inArray } from 'drizzle-orm';
import * as s from '../../db/schema/pg.ts';
import type { Config } from '../config.ts';
import type { ServerDb } from '../platform/database.ts';
import { setAuditKey } from './audit.ts';

export interface ServerKeys {
  /** HS256 key for access tokens. */
  jwtKey: Uint8Array;
  /** AES-256-GCM key for TOTP secrets (32 bytes). */
  totpKey: Buffer;
  /** HMAC-SHA256 key sealing each audit row into the chain (32 bytes). */
  auditKey: Buffer;
}

/** Key file name → the `server_secrets` row an older database kept it in. */
const KEYS = { jwt: 'jwt_signing_key', totp: 'totp_encryption_key', audit: null } as const;

function readKey(file: string): Buffer | null {
  try {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} must hold 32 bytes, base64`);
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The key in `file`, written from `initial` if there is none yet (another instance may win the race). */
function keyFile(file: string, initial: Buffer): Buffer {
  const existing = readKey(file);
  if (existing) return existing;
  try {
    writeFileSync(file, `${initial.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  chmodSync(file, 0o600);
  return readKey(file) as Buffer;
}

export async function loadServerKeys(
  db: ServerDb,
  config: Pick<Config, 'jwtSecret' | 'keyDir'>,
): Promise<ServerKeys> {
  mkdirSync(config.keyDir, { recursive: true, mode: 0o700 });
  chmodSync(config.keyDir, 0o700);
  const legacy = new Map(
    (
      await db
        .select()
        .from(s.server_secrets)
        .where(inArray(s.server_secrets.name, [KEYS.jwt, KEYS.totp]))
    ).map((r) => [r.name, Buffer.from(r.value, 'base64')]),
  );
  const load = (name: keyof typeof KEYS) => {
    const stored = KEYS[name] ? legacy.get(KEYS[name]) : undefined;
    return keyFile(join(config.keyDir, `${name}.key`), stored ?? randomBytes(32));
  };
  const keys = { jwt: load('jwt'), totp: load('totp'), audit: load('audit') };
  // Out of the database now that the files hold them.
  if (legacy.size > 0)
    await db.delete(s.server_secrets).where(inArray(s.server_secrets.name, [KEYS.jwt, KEYS.totp]));
  setAuditKey(keys.audit, config.keyDir);
  return {
    jwtKey: config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : new Uint8Array(keys.jwt),
    totpKey: keys.totp,
    auditKey: keys.audit,
  };
}
