/**
 * The one envelope for outcomes that cross a boundary (IPC, the core's API, rule checks): a value
 * or an error, never a throw. `E` defaults to the operation error every handler speaks.
 */
import type { ValidationIssue } from './issue.ts';

export type Result<T, E = OperationError> = { ok: true; value: T } | { ok: false; error: E };

/**
 * An error a clinician can read: `message` is a sentence for the screen, `code` a stable name for
 * code that reacts to it, `issues` the fields at fault (bad input), never a stack or a raw SQL error.
 */
export interface OperationError {
  code: string;
  message: string;
  issues?: ValidationIssue[];
  /** Extra machine-readable detail (e.g. `retryAfterSeconds`); never patient data in logs. */
  detail?: Record<string, unknown>;
}

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export const err = (
  code: string,
  message: string,
  extra: { issues?: ValidationIssue[]; detail?: Record<string, unknown> } = {},
): { ok: false; error: OperationError } => ({ ok: false, error: { code, message, ...extra } });
