/** Password hashing with argon2id (memory-hard), parameters from OWASP's current guidance. */
import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id = 2; written as a literal because the enum is a `const enum` (not importable
// under isolatedModules).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

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
