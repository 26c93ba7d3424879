/**
 * A 2FA user's TOTP secret as a workstation keeps it for offline sign-in: AES-256-GCM under a key
 * derived from the user's password (scrypt, a salt per wrapping), bound to the user's id. Whoever
 * copies the database, the PC's own key included, still needs the password to get at the secret,
 * and with the password alone (no secret) they cannot make a code.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

const SCRYPT = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

const keyFor = (password: string, salt: Buffer) => scryptSync(password.normalize('NFKC'), salt, 32, SCRYPT);

export function wrapTotpSecret(secret: string, password: string, userId: string): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(password, salt), iv);
  cipher.setAAD(Buffer.from(userId));
  const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', salt, iv, cipher.getAuthTag(), ct]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join(':');
}

/** The secret, or null when the password (or user) is not the one it was wrapped for. */
export function unwrapTotpSecret(wrapped: string, password: string, userId: string): string | null {
  const [v, salt, iv, tag, ct] = wrapped.split(':');
  if (v !== 'v1' || !salt || !iv || !tag || ct === undefined) return null;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      keyFor(password, Buffer.from(salt, 'base64url')),
      Buffer.from(iv, 'base64url'),
    );
    decipher.setAAD(Buffer.from(userId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
