/**
 * What the server and the workstation must agree on about log-ins: how a typed user name is
 * compared (the server for online log-ins, the PC for offline ones), and the argon2id cost of a
 * password hash (the server's stored hash, the PC's offline verifier: OWASP's current guidance).
 */

/** A user name as typed → the form it is looked up in. */
export const normalizeLogin = (name: string): string => name.trim().toLowerCase();

/**
 * argon2id parameters for `@node-rs/argon2`. `algorithm: 2` is Argon2id, written as a literal because
 * the package's enum is a `const enum` (not importable under isolatedModules).
 */
export const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
