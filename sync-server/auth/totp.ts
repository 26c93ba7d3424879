/**
 * TOTP (RFC 6238, 30 s steps, 6 digits) with otplib; secrets encrypted at rest with AES-256-GCM under
 * the server key, bound to their user id (additional authenticated data), so a ciphertext copied to
 * another user's row does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { generateSecret, generateURI } from 'otplib';
import { TOTP_PERIOD } from '../../db/primitives/totp.ts';

export const TOTP_ISSUER = 'HMS';

export function encryptTotpSecret(key: Buffer, secret: string, userId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(userId));
  const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [
    'v1',
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    ct.toString('base64url'),
  ].join(':');
}

export function decryptTotpSecret(key: Buffer, enc: string, userId: string): string {
  const [v, iv, tag, ct] = enc.split(':');
  if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unknown TOTP secret format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(userId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
}

export const newTotpSecret = () => generateSecret({ length: 20 });

export const totpUri = (secret: string, account: string) =>
  generateURI({ issuer: TOTP_ISSUER, label: account, secret, period: TOTP_PERIOD });

// The check itself is shared with the workstation, which checks codes offline (db/primitives/totp.ts).
export { checkTotp } from '../../db/primitives/totp.ts';
