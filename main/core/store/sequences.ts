/**
 * This workstation's counters for human numbers (`number_sequences`; the only module that touches
 * it). A number is drawn inside the transaction of the operation that uses it: a rolled-back
 * operation gives its number back, a committed one never hands it out again.
 */
import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { formatNumber, type NumberKindName, queueSequence, queueTicket } from '../../../db/numbers.ts';

export class Sequences {
  private readonly nextStmt: Database.Statement<[string, string, string], { value: number }>;
  private readonly floorStmt: Database.Statement<[string, string, string, number]>;

  constructor(
    sqlite: Database.Database,
    /** The workstation's code (from enrolment). */
    private readonly code: () => string | null,
  ) {
    this.nextStmt = sqlite.prepare(
      `INSERT INTO number_sequences (id, created_at, name, value) VALUES (?, ?, ?, 1)
       ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value`,
    );
    this.floorStmt = sqlite.prepare(
      `INSERT INTO number_sequences (id, created_at, name, value) VALUES (?, ?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)`,
    );
  }

  private draw(name: string): number {
    return (this.nextStmt.get(uuidv7(), new Date().toISOString(), name) as { value: number }).value;
  }

  private workstationCode(): string {
    const code = this.code();
    if (!code) throw new Error('this workstation has no code yet: it must be enrolled before numbering');
    return code;
  }

  /** The next number of `kind` made here, e.g. `P-R1A2-000124`. */
  next(kind: NumberKindName): string {
    return formatNumber(kind, this.workstationCode(), this.draw(kind));
  }

  /** The next queue ticket of `day` (YYYY-MM-DD) at this desk, e.g. `R1A2-007`. */
  nextQueueTicket(day: string): string {
    return queueTicket(this.workstationCode(), this.draw(queueSequence(day)));
  }

  /** Raises a counter to at least `value` (the server's record of numbers this code already used). */
  raise(kind: NumberKindName, value: number): void {
    this.floorStmt.run(uuidv7(), new Date().toISOString(), kind, value);
  }
}
