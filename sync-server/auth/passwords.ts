/** Password hashing with argon2id (memory-hard), parameters from OWASP's current guidance. */
import { hash, verify } from '@node-rs/argon2';
import { ARGON2ID } from '../../db/primitives/index.ts';

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2ID);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of a random password, verified against when the user does not exist, so an unknown
 * user costs the same time as a wrong password (no user enumeration by timing). */
let decoy: Promise<string> | undefined;
export const decoyHash = () => {
  decoy ??= hashPassword(`decoy-${Math.random()}`);
  return decoy;
};
