/**
 * Keys the server makes on first start and keeps in `server_secrets` (never synced): the JWT signing
 * key and the key that encrypts TOTP secrets at rest. `HMS_JWT_SECRET` overrides the signing key
 * (several server instances sharing one database can also just share the stored one).
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import * as s from '../../db/schema/pg.ts';
import type { Config } from '../config.ts';
import type { ServerDb } from '../platform/database.ts';

export interface ServerKeys {
  /** HS256 key for access tokens. */
  jwtKey: Uint8Array;
  /** AES-256-GCM key for TOTP secrets (32 bytes). */
  totpKey: Buffer;
}

export const JWT_SECRET_NAME = 'jwt_signing_key';
export const TOTP_SECRET_NAME = 'totp_encryption_key';

/** Returns the named secret, creating it (32 random bytes, base64) if absent; safe under races. */
export async function ensureSecret(db: ServerDb, name: string): Promise<string> {
  await db
    .insert(s.server_secrets)
    .values({ name, value: randomBytes(32).toString('base64') })
    .onConflictDoNothing();
  const [row] = await db.select().from(s.server_secrets).where(eq(s.server_secrets.name, name));
  if (!row) throw new Error(`server secret ${name} could not be created`);
  return row.value;
}

export async function loadServerKeys(db: ServerDb, config: Pick<Config, 'jwtSecret'>): Promise<ServerKeys> {
  const jwtKey = config.jwtSecret
    ? new TextEncoder().encode(config.jwtSecret)
    : new Uint8Array(Buffer.from(await ensureSecret(db, JWT_SECRET_NAME), 'base64'));
  const totpKey = Buffer.from(await ensureSecret(db, TOTP_SECRET_NAME), 'base64');
  if (totpKey.length !== 32) throw new Error(`server secret ${TOTP_SECRET_NAME} must be 32 bytes`);
  return { jwtKey, totpKey };
}
