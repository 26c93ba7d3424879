/**
 * Primitives both ends use, in one runs-anywhere home (no `node:*`, no drivers): import them from
 * here rather than writing a fifth `quoteIdent`.
 */
export { canonicalJson } from './canonical-json.ts';
export { ARGON2ID, normalizeLogin } from './credentials.ts';
export { formatIssues, type ValidationIssue } from './issue.ts';
export { err, type OperationError, ok, type Result } from './result.ts';
export type { Row } from './row.ts';
export { comparable, sameValue } from './same-value.ts';
export { sha256Hex } from './sha256.ts';
export { quoteIdent } from './sql-ident.ts';
export { isRealDate, normalizeTimestamp, toNormalTimestamp, utcDate } from './timestamp.ts';
export { issuesFromZod } from './zod-issues.ts';
