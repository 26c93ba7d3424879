/**
 * The workstation's sync, as the status bar and the admin's queues see it: status, "sync now", the
 * conflict queue (resolve: keep one value or a merged one) and the quarantine (edit and retry, or
 * discard with a note).
 */
import { z } from 'zod';
import { op } from './contract.ts';

export interface WorkstationStatus {
  workstationId: string;
  code: string | null;
  kind: string | null;
  online: boolean;
  lastSyncAt: string | null;
  outboxPending: number;
  /** When the oldest write still waiting was made (null: nothing waits). */
  oldestPendingAt: string | null;
  openConflicts: number;
  quarantined: number;
  revoked: boolean;
  updateRequired: boolean;
  tables: string[];
  /**
   * The first download (null once every table has arrived): tables complete, and rows arrived of
   * all the server holds for this PC (null until the server has said how many).
   */
  firstSync: {
    tablesDone: number;
    tablesTotal: number;
    rowsDone: number | null;
    rowsTotal: number | null;
  } | null;
  user: { id: string; username: string; role: string; offline: boolean } | null;
  /**
   * A fault of this PC's own database (disk full, damaged, opened read-only) with what it means and
   * what to do; null while it works.
   */
  storage: { kind: 'full' | 'damaged' | 'readonly' | 'io'; message: string } | null;
  lastError: string | null;
}

export interface ConflictView {
  id: string;
  table: string;
  rowId: string;
  /** The field both sides changed; null when one side deleted the row and the other changed it. */
  field: string | null;
  kind: 'field' | 'delete_update';
  /** The value the uploading workstation wrote, and the value the server already had. */
  localValue: unknown;
  serverValue: unknown;
  /** What the row holds until someone decides. */
  provisionalValue: unknown;
  localAuthorId: string | null;
  serverAuthorId: string | null;
  /** Their names, where this PC holds the user and the reader may see it. */
  localAuthorName: string | null;
  serverAuthorName: string | null;
  /** When the sent value was typed, by the clock of the PC that sent it. */
  localDeviceTime: string | null;
  /** The PCs each value came from: ids, and names as the server knew them when it recorded the conflict. */
  localWorkstationId: string | null;
  localWorkstationName: string | null;
  serverWorkstationId: string | null;
  serverWorkstationName: string | null;
  /** When the server's value was written (its HLC's time); null where no clock recorded it. */
  serverWrittenAt: string | null;
  status: 'open' | 'resolved';
  resolutionValue: unknown;
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolutionNote: string | null;
  /** When the server recorded the conflict. */
  createdAt: string;
}

/** One refused write (or a refused unit of several writes), kept whole with the reason. */
export interface QuarantineItem {
  /** The refused mutation's id. */
  id: string;
  /** The unit of work it belonged to; the whole unit was refused with it. */
  txId: string | null;
  table: string;
  rowId: string | null;
  operation: 'insert' | 'update' | 'delete';
  /** What was sent: insert → the row's values; update → `{field: {base, value}}`. */
  payload: unknown;
  reason: string;
  authorId: string | null;
  authorName: string | null;
  /** `pending_record`: refused, the server's record not yet delivered here (retry waits for it). */
  status: 'open' | 'reapplied' | 'dismissed' | 'pending_record';
  reviewNote: string | null;
  at: string;
}

const Page = {
  limit: z.number().int().min(1).max(500).default(100),
  offset: z.number().int().min(0).default(0),
};

const Resolve = z.strictObject({
  id: z.uuid(),
  /** `local`: the uploading PC's value; `server`: the value it collided with; `value`: a merged one. */
  choice: z.enum(['local', 'server', 'value']),
  value: z.unknown().optional(),
  note: z.string().trim().min(1, 'say why this value was chosen').max(2000),
});

const Retry = z.strictObject({
  id: z.uuid(),
  /** Corrected values for the refused write (insert: columns; update: the new values of its fields). */
  values: z.record(z.string(), z.unknown()).optional(),
  note: z.string().trim().max(2000).optional(),
});

const Discard = z.strictObject({
  id: z.uuid(),
  note: z.string().trim().min(1, 'say why the write is discarded').max(2000),
});

export const sync = {
  status: op(z.strictObject({}), 'public').returns<WorkstationStatus>(),
  syncNow: op(z.strictObject({})).returns<null>(),
  conflicts: op(z.strictObject({ status: z.enum(['open', 'resolved']).default('open'), ...Page })).returns<
    ConflictView[]
  >(),
  resolveConflict: op(Resolve).returns<ConflictView>(),
  quarantine: op(z.strictObject({ status: z.enum(['open', 'all']).default('open'), ...Page })).returns<
    QuarantineItem[]
  >(),
  retryQuarantined: op(Retry).returns<{ txId: string }>(),
  discardQuarantined: op(Discard).returns<QuarantineItem>(),
};
