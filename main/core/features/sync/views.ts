/** Rows of the sync queues as the screens see them (camelCase views of `sync_conflicts` and the quarantine). */
import type { Row } from '../../../../db/primitives/index.ts';
import type { ConflictView, QuarantineItem } from '../../../common/sync.ts';
import type { OutboxEntry } from '../../store/outbox.ts';
import { parseHlc } from '../../sync/hlc.ts';

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** When a write was made, from its HLC's physical part (null: no HLC, or not one). */
export function hlcTime(hlc: unknown): string | null {
  const parts = typeof hlc === 'string' ? parseHlc(hlc) : null;
  return parts ? new Date(parts.ms).toISOString() : null;
}

/** A user's name as the screens show it, from their id (null: unknown here, or not readable). */
export type NameOf = (userId: string | null) => string | null;

export function conflictView(r: Row, nameOf: NameOf): ConflictView {
  return {
    id: String(r.id),
    table: String(r.table_name),
    rowId: String(r.row_id),
    field: str(r.field),
    kind: r.kind === 'delete_update' ? 'delete_update' : 'field',
    localValue: r.local_value ?? null,
    serverValue: r.server_value ?? null,
    provisionalValue: r.provisional_value ?? null,
    localAuthorId: str(r.local_author_id),
    serverAuthorId: str(r.server_author_id),
    localAuthorName: nameOf(str(r.local_author_id)),
    serverAuthorName: nameOf(str(r.server_author_id)),
    localDeviceTime: str(r.local_device_time),
    localWorkstationId: str(r.local_workstation_id),
    localWorkstationName: str(r.local_workstation_name),
    serverWrittenAt: hlcTime(r.server_hlc),
    serverWorkstationId: str(r.server_workstation_id),
    serverWorkstationName: str(r.server_workstation_name),
    status: r.status === 'resolved' ? 'resolved' : 'open',
    resolutionValue: r.resolution_value ?? null,
    resolvedBy: str(r.resolved_by),
    resolvedAt: str(r.resolved_at),
    resolutionNote: str(r.resolution_note),
    createdAt: String(r.created_at),
  };
}

const operationOf = (v: unknown): QuarantineItem['operation'] =>
  v === 'insert' || v === 'delete' ? v : 'update';

/** A quarantine record the server delivered (`quarantined_mutations`). */
export function quarantineView(r: Row, nameOf: NameOf): QuarantineItem {
  const payload = (r.payload ?? {}) as Record<string, unknown>;
  const op = operationOf(r.operation);
  return {
    id: String(r.mutation_id),
    txId: str(r.tx_id),
    table: String(r.table_name),
    rowId: str(r.row_id),
    operation: op,
    payload: op === 'insert' ? (payload.data ?? null) : op === 'update' ? (payload.changes ?? null) : null,
    reason: String(r.reason),
    authorId: str(r.author_id),
    authorName: nameOf(str(r.author_id)),
    status: r.status === 'reapplied' || r.status === 'dismissed' ? r.status : 'open',
    reviewNote: str(r.review_note),
    at: String(r.created_at),
  };
}

/** A write of this PC's outbox the server refused, before its record has come back here. */
export function pendingRecordView(e: OutboxEntry, nameOf: NameOf): QuarantineItem {
  let payload: unknown = null;
  try {
    payload = JSON.parse(e.payload);
  } catch {
    // shown without its payload
  }
  return {
    id: e.id,
    txId: e.tx_id,
    table: e.table_name,
    rowId: e.row_id,
    operation: e.operation,
    payload,
    reason: e.reason ?? 'refused by the server',
    authorId: e.author_id,
    authorName: nameOf(e.author_id),
    status: 'pending_record',
    reviewNote: null,
    at: e.acked_at ?? e.device_time,
  };
}
