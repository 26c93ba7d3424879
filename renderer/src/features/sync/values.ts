import type { ConflictView } from '../../../../main/common/index.ts';
import { fieldLabel, inSentence } from '../../lib/labels.ts';

/** A synced value as a person reads it: text as it is, nothing as "(empty)", anything else as JSON. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '(empty)';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

// Kept importable from here, where the queues' screens (and the users screen) have always found them.
export { rowWord, words } from '../../lib/labels.ts';

/** A user or device id, short enough to compare by eye. */
export const shortId = (id: string | null): string => (id ? id.slice(-8) : 'unknown');

/** One side of a conflict as its card shows it: the value, who wrote it, on which PC, and when. */
export interface ConflictSide {
  side: 'local' | 'server';
  title: string;
  value: string;
  author: string;
  workstation: string;
  /** When it was written (ISO), and how: typed at the PC that sent it, or written to the server. */
  at: string | null;
  when: string;
}

/** What a delete-versus-change side did, in words (its stored value is the deletion or the fields changed). */
function deleteSideValue(v: unknown, table: string): string {
  const o = (v ?? {}) as Record<string, unknown>;
  if (o.deleted_at !== undefined && o.deleted_at !== null) return 'Deleted the record';
  const fields = Object.keys(o).filter((k) => k !== 'version' && k !== 'deleted_at');
  return fields.length
    ? `Changed ${fields.map((f) => inSentence(fieldLabel(f, table))).join(', ')}`
    : 'Changed the record';
}

/**
 * Both sides of a conflict, the sent value first: each with its author's name and its PC's name
 * (or a short id where this PC does not know them) and when it was written.
 */
export function conflictSides(c: ConflictView): [ConflictSide, ConflictSide] {
  const shown = (v: unknown) => (c.kind === 'field' ? showValue(v) : deleteSideValue(v, c.table));
  const who = (name: string | null, id: string | null) => name ?? `user …${shortId(id)}`;
  const pc = (name: string | null, id: string | null) =>
    name ?? (id ? `PC …${shortId(id)}` : 'a PC not recorded');
  return [
    {
      side: 'local',
      title: 'The sent value',
      value: shown(c.localValue),
      author: who(c.localAuthorName, c.localAuthorId),
      workstation: pc(c.localWorkstationName, c.localWorkstationId),
      at: c.localDeviceTime,
      when: 'typed',
    },
    {
      side: 'server',
      title: "The server's value",
      value: shown(c.serverValue),
      author: who(c.serverAuthorName, c.serverAuthorId),
      workstation: pc(c.serverWorkstationName, c.serverWorkstationId),
      at: c.serverWrittenAt,
      when: 'written',
    },
  ];
}

/**
 * The fields a refused write set, as `{field: value}`: an insert's payload is the row, an update's is
 * `{field: {base, value}}` (the outbox's own entries may still wrap them in `data` / `changes`).
 */
export function writtenValues(operation: string, payload: unknown): Record<string, unknown> {
  const p = (payload ?? {}) as Record<string, unknown>;
  if (operation === 'insert') return { ...((p.data as Record<string, unknown> | undefined) ?? p) };
  if (operation !== 'update') return {};
  const changes = (p.changes as Record<string, unknown> | undefined) ?? p;
  return Object.fromEntries(
    Object.entries(changes).map(([k, c]) => [
      k,
      c !== null && typeof c === 'object' && 'value' in c ? (c as { value: unknown }).value : c,
    ]),
  );
}
