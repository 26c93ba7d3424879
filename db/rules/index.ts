/**
 * The rules of hospital work, once, for both ends (DESIGN §4a): status machines, date rules and the
 * cross-row invariants. Per-column formats and CHECK mirrors live in db/validation.ts.
 */
import type { ValidationIssue } from '../primitives/issue.ts';
import type { Row } from '../primitives/row.ts';
import { checkDateRules } from './date-rules.ts';
import { checkTransition } from './transitions.ts';

export { checkDateRules, DATE_RULES } from './date-rules.ts';
export { INVARIANTS, type Invariant, subjectsOf, type Verdict } from './invariants.ts';
export { checkTransition, STATUS_MACHINES, stampedColumns, stampTransition } from './transitions.ts';

export interface RowRuleContext {
  /** The stored status before the write (null for an insert); on the server, the mutation's base. */
  from: string | null;
  /** The author of the write. */
  actorId: string;
  /** When the write was made on its device (ISO). */
  now: string;
  /** A conflict resolution may set a status no single edit could reach (it picks between two). */
  resolution?: boolean;
}

/**
 * The row-level rules of a write the server re-checks: its status move and stamps, and the date
 * rules. `write` is an insert's values or an update's changed fields.
 */
export function checkRowRules(
  table: string,
  op: 'insert' | 'update',
  write: Readonly<Row>,
  ctx: RowRuleContext,
): ValidationIssue[] {
  return [
    ...(ctx.resolution ? [] : checkTransition(table, ctx.from, write, ctx.actorId)),
    ...checkDateRules(table, op, write, ctx.now),
  ];
}
