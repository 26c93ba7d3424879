/**
 * The codes a PC is given at registration (`admin-routes.ts`):
 * - its **workstation code**, which its human numbers carry (`P-W7K3-000123`), for good;
 * - its one-time **enrolment code**, which IT types on that PC to exchange it for its device token
 *   (`device-routes.ts`). Only its hash is stored.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { sha256Hex } from '../../../db/primitives/index.ts';

/** Codes avoid look-alike characters (0/O, 1/I/L): they are read aloud and typed by people. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
function enrolmentCode(): string {
  const bytes = randomBytes(8);
  const chars = Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}
/**
 * A candidate workstation code: the kind's initial and three characters (29,791 per kind), one more
 * character after every eight draws that were taken, so a group with tens of thousands of PCs of a
 * kind still gets a code at once, while the usual hospital's codes stay four characters long.
 */
export function workstationCodeCandidate(kind: string, draw: number): string {
  const length = 3 + Math.min(Math.floor(draw / 8), 4);
  const chars = Array.from({ length }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]);
  return `${kind[0]?.toUpperCase() ?? 'X'}${chars.join('')}`;
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
