/**
 * Status machines as data: which statuses a row may start in, where each may go next, and the
 * columns a transition stamps (the time, or the acting user). Enforced on both ends: the workstation
 * core refuses an illegal move and stamps the columns itself (a user never types `checked_in_at`);
 * the server re-checks every mutation against the status its author saw (the mutation's base) and
 * quarantines what no honest workstation could have sent.
 *
 * `partially_paid` and `paid` are not targets of `bills`: whether a bill is paid is derived from its
 * payments (db/derived/billing.ts), because two counters taking payments offline would each store a
 * status the other's payment makes wrong.
 */
import type { ValidationIssue } from '../primitives/issue.ts';
import type { Row } from '../primitives/row.ts';

/** What a stamp column receives when a row enters a status. */
export type Stamp = 'now' | 'actor';

export interface StatusMachine {
  /** What one row is called in a sentence ("a cancelled *appointment* cannot…"). */
  noun: string;
  /** Statuses a new row may have (the first is the column's default). */
  initial: readonly string[];
  /** Status → the statuses it may move to. A status missing here is final. */
  next: Readonly<Record<string, readonly string[]>>;
  /** Status → columns stamped when a row enters it. */
  stamps?: Readonly<Record<string, Readonly<Record<string, Stamp>>>>;
}

// biome-ignore format: one machine per block reads as a diagram
export const STATUS_MACHINES: Readonly<Record<string, StatusMachine>> = {
  appointments: {
    noun: 'appointment',
    initial: ['scheduled', 'checked_in'],
    next: {
      scheduled: ['checked_in', 'cancelled', 'no_show'],
      checked_in: ['in_progress', 'completed', 'cancelled'],
      in_progress: ['completed'],
    },
    stamps: { checked_in: { checked_in_at: 'now' }, completed: { completed_at: 'now' } },
  },
  lab_orders: {
    noun: 'lab order',
    initial: ['ordered'],
    next: {
      ordered: ['collected', 'cancelled'],
      collected: ['in_progress', 'resulted', 'cancelled'],
      in_progress: ['resulted', 'cancelled'],
      resulted: ['reviewed'],
    },
    stamps: { collected: { collected_at: 'now' }, reviewed: { reviewed_at: 'now', reviewed_by: 'actor' } },
  },
  prescriptions: {
    noun: 'prescription',
    initial: ['active'],
    next: {
      active: ['partially_dispensed', 'dispensed', 'completed', 'cancelled'],
      partially_dispensed: ['dispensed', 'completed', 'cancelled'],
      dispensed: ['completed'],
    },
  },
  admissions: {
    noun: 'admission',
    initial: ['admitted'],
    next: { admitted: ['transferred', 'discharged'] },
    stamps: { transferred: { discharged_at: 'now' }, discharged: { discharged_at: 'now' } },
  },
  bills: {
    noun: 'bill',
    initial: ['draft', 'issued'],
    next: { draft: ['issued', 'void'], issued: ['void'], partially_paid: ['void'], paid: ['void'] },
  },
  purchase_orders: {
    noun: 'purchase order',
    initial: ['draft', 'submitted'],
    next: {
      draft: ['submitted', 'cancelled'],
      submitted: ['partially_received', 'received', 'cancelled'],
      partially_received: ['received', 'cancelled'],
    },
  },
  referrals: {
    noun: 'referral',
    initial: ['pending'],
    next: { pending: ['accepted', 'declined', 'cancelled'], accepted: ['completed', 'cancelled'] },
  },
  tasks: {
    noun: 'task',
    initial: ['open', 'in_progress'],
    next: { open: ['in_progress', 'done', 'cancelled'], in_progress: ['open', 'done', 'cancelled'] },
    stamps: { done: { completed_at: 'now' } },
  },
  telemedicine_sessions: {
    noun: 'telemedicine session',
    initial: ['scheduled'],
    next: { scheduled: ['in_progress', 'cancelled'], in_progress: ['ended'] },
    stamps: { in_progress: { started_at: 'now' }, ended: { ended_at: 'now' } },
  },
  resource_bookings: {
    noun: 'booking',
    initial: ['booked'],
    next: { booked: ['completed', 'cancelled'] },
  },
  patient_merges: {
    noun: 'merge request',
    initial: ['requested'],
    next: { requested: ['completed', 'rejected', 'cancelled'] },
    stamps: {
      completed: { reviewed_at: 'now', reviewed_by: 'actor' },
      rejected: { reviewed_at: 'now', reviewed_by: 'actor' },
    },
  },
  alerts: {
    noun: 'alert',
    initial: ['open'],
    next: { open: ['resolved'] },
    stamps: { resolved: { resolved_at: 'now', resolved_by: 'actor' } },
  },
  sync_conflicts: {
    noun: 'conflict',
    initial: ['open'],
    next: { open: ['resolved'] },
    stamps: { resolved: { resolved_at: 'now', resolved_by: 'actor' } },
  },
  quarantined_mutations: {
    noun: 'refused write',
    initial: ['open'],
    next: { open: ['reapplied', 'dismissed'] },
    stamps: {
      reapplied: { reviewed_at: 'now', reviewed_by: 'actor' },
      dismissed: { reviewed_at: 'now', reviewed_by: 'actor' },
    },
  },
};

/** Every column some transition of `table` stamps. */
export function stampedColumns(table: string): ReadonlySet<string> {
  const stamps = STATUS_MACHINES[table]?.stamps ?? {};
  return new Set(Object.values(stamps).flatMap((s) => Object.keys(s)));
}

const issue = (field: string, rule: string, message: string): ValidationIssue => ({ field, rule, message });
const words = (status: string) => status.replaceAll('_', ' ');
const article = (w: string) => (/^[aeiou]/.test(w) ? 'an' : 'a');
/** "a cancelled appointment", "an open task". */
const described = (m: StatusMachine, status: string) =>
  `${article(words(status))} ${words(status)} ${m.noun}`;
const listed = (xs: readonly string[]) =>
  xs.length <= 1
    ? xs.map(words).join('')
    : `${xs.slice(0, -1).map(words).join(', ')} or ${words(xs.at(-1) as string)}`;

export interface TransitionContext {
  /** The acting user (the mutation's author on the server). */
  actorId: string;
  /** The instant stamped (the device time of the write). */
  now: string;
}

/**
 * The core's side: the write with the stamps its transition implies, or the issues that refuse it.
 * `from` is the stored status (null for an insert). Stamp columns in `write` are refused: they are
 * set by the transition, not typed.
 */
export function stampTransition(
  table: string,
  from: string | null,
  write: Readonly<Row>,
  ctx: TransitionContext,
): { ok: true; value: Row } | { ok: false; issues: ValidationIssue[] } {
  const machine = STATUS_MACHINES[table];
  if (!machine) return { ok: true, value: { ...write } };
  const typed = [...stampedColumns(table)].filter((c) => c in write);
  if (typed.length > 0)
    return {
      ok: false,
      issues: typed.map((c) =>
        issue(c, 'stamped', `${c} is set when the ${machine.noun} changes status, it cannot be typed`),
      ),
    };
  const to =
    typeof write.status === 'string' ? write.status : from === null ? (machine.initial[0] ?? null) : null;
  const out: Row = { ...write };
  if (to !== null && to !== from) {
    for (const [col, kind] of Object.entries(machine.stamps?.[to] ?? {}))
      out[col] = kind === 'now' ? ctx.now : ctx.actorId;
  }
  const issues = checkTransition(table, from, out, ctx.actorId);
  return issues.length ? { ok: false, issues } : { ok: true, value: out };
}

/**
 * Both ends: is `write` (an insert's values, or an update's changed fields) a legal move from status
 * `from` (null for an insert)? Stamp columns may appear only with the status they belong to, and an
 * `actor` stamp must name the acting user. Returns the issues; empty when legal.
 */
export function checkTransition(
  table: string,
  from: string | null,
  write: Readonly<Row>,
  actorId: string,
): ValidationIssue[] {
  const machine = STATUS_MACHINES[table];
  if (!machine) return [];
  const issues: ValidationIssue[] = [];
  const moving = typeof write.status === 'string' && write.status !== from;
  const to = moving ? (write.status as string) : from === null ? (machine.initial[0] ?? null) : null;
  if (from === null) {
    if (to !== null && !machine.initial.includes(to))
      issues.push(
        issue('status', 'transition', `a new ${machine.noun} must start as ${listed(machine.initial)}`),
      );
  } else if (moving && !(machine.next[from] ?? []).includes(to as string)) {
    const allowed = machine.next[from] ?? [];
    issues.push(
      issue(
        'status',
        'transition',
        allowed.length
          ? `${described(machine, from)} can only become ${listed(allowed)}, not ${words(String(to))}`
          : `${described(machine, from)} cannot change status any more`,
      ),
    );
  }
  const entering = moving || from === null ? (machine.stamps?.[to ?? ''] ?? {}) : {};
  for (const col of stampedColumns(table)) {
    if (!(col in write) || write[col] === null) continue;
    const kind = entering[col];
    if (!kind)
      issues.push(
        issue(col, 'stamped', `${col} is set when the ${table} row changes status, it cannot be typed`),
      );
    else if (kind === 'actor' && write[col] !== actorId)
      issues.push(issue(col, 'stamped', `${col} must be the user who made the change`));
  }
  return issues;
}
