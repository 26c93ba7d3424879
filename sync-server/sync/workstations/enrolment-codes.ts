/**
 * Enrolment codes: the one-time code an admin gets when registering a PC (`admin-routes.ts`) and
 * IT types on that PC, which exchanges it for its device token (`device-routes.ts`). Only the hash
 * is stored.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../../db/primitives/index.ts';

/** Enrolment codes avoid look-alike characters (0/O, 1/I/L): they are read aloud and typed by IT. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
function enrolmentCode(): string {
  const bytes = randomBytes(8);
  const chars = Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}
const normalizeCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** How a code is stored: hashed, and read the same whatever its case or dashes. */
export const enrolmentCodeHash = (code: string) => sha256Hex(normalizeCode(code));

const ENROLMENT_TTL_MS = 24 * 60 * 60 * 1000;

/** A fresh one-time enrolment code (shown once to the admin), the hash to store, and its expiry. */
export function newEnrolment(now: Date): { code: string; codeHash: string; expiresAt: string } {
  const code = enrolmentCode();
  return {
    code,
    codeHash: enrolmentCodeHash(code),
    expiresAt: new Date(now.getTime() + ENROLMENT_TTL_MS).toISOString(),
  };
}
