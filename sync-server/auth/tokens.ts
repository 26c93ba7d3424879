/**
 * Access tokens: short-lived JWTs (HS256, issuer and audience checked, algorithm pinned so `alg:none`
 * and key-confusion tokens are refused). Refresh tokens: 256 random bits, opaque, stored only as a
 * SHA-256 hash in `auth_sessions`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { sha256Hex } from '../../db/primitives/index.ts';
import { ROLE_NAMES, type RoleName } from '../../db/schema/accounts.ts';

export const JWT_ISSUER = 'hms-sync-server';
export const JWT_AUDIENCE = 'hms-api';

export interface AccessClaims {
  /** User id. */
  sub: string;
  /** Session family id (one login); revoking the family kills its access tokens too. */
  sid: string;
  /** The role at issue time; informational: the server reloads the user's role on every request. */
  role: RoleName;
}

export async function signAccessToken(key: Uint8Array, claims: AccessClaims, now: Date, ttlSeconds: number) {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ sid: claims.sid, role: claims.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .setJti(randomUUID())
    .sign(key);
}

/** The token's claims, or null for anything not a valid, unexpired token of ours. */
export async function verifyAccessToken(
  key: Uint8Array,
  token: string,
  now: Date,
): Promise<AccessClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      currentDate: now,
      requiredClaims: ['exp', 'iat', 'sub'],
    });
    const { sub, sid, role } = payload;
    if (typeof sub !== 'string' || typeof sid !== 'string' || typeof role !== 'string') return null;
    if (!(ROLE_NAMES as readonly string[]).includes(role)) return null;
    return { sub, sid, role: role as RoleName };
  } catch {
    return null;
  }
}

export const newRefreshToken = () => randomBytes(32).toString('base64url');
export const hashToken = (token: string) => sha256Hex(token);
