/**
 * Electric's HTTP shape protocol as this server speaks it: offsets, handles, the live cursor and the
 * answers' headers.
 *
 * Offsets are `<seq>_<n>`:
 * - `-1` asks for a snapshot, read from the table itself at log position S (one REPEATABLE READ
 *   transaction), split into chunks by id boundaries fixed when the snapshot starts, offsets
 *   `S_1`, `S_2`, … and finally `S_inf`;
 * - `<seq>_0` / `<seq>_inf` continue from the log after `seq`.
 * A handle is `<scope hash>-<epoch>-<S>-<random>`: it names one shape (table + the workstation's
 * scope) for the life of its log. It is checked statelessly: another scope, another epoch (bulk
 * load, schema change) or a position below the compaction floor answer 409 must-refetch.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../../db/primitives/index.ts';
import { LIVE_TIMEOUT_MS } from '../../../db/sync-contract.ts';

export type ShapeAnswer =
  | { status: 200; headers: Record<string, string>; body: string }
  | { status: 409; headers: Record<string, string>; body: string };

export interface ShapeRequest {
  table: string;
  offset: string;
  handle?: string | undefined;
  live: boolean;
  cursor?: string | undefined;
}

export interface ParsedHandle {
  scope: string;
  epoch: number;
  snapshotSeq: number;
}

export type ParsedOffset = { seq: number; part: number | 'inf' } | 'snapshot';

const UP_TO_DATE = '{"headers":{"control":"up-to-date"}}';

export const scopeHash = (key: string) => sha256Hex(key).slice(0, 16);

/** A new handle for a shape of `scope` whose log starts after `snapshotSeq`. */
export const newHandle = (scope: string, epoch: number, snapshotSeq: number) =>
  `${scope}-${epoch}-${snapshotSeq}-${randomBytes(4).toString('hex')}`;

export function parseHandle(handle: string | undefined): ParsedHandle | null {
  const m = handle ? /^([0-9a-f]{16})-(\d+)-(\d+)-[0-9a-f]+$/.exec(handle) : null;
  if (!m) return null;
  return { scope: m[1] as string, epoch: Number(m[2]), snapshotSeq: Number(m[3]) };
}

export function parseOffset(offset: string): ParsedOffset | null {
  if (offset === '-1') return 'snapshot';
  const m = /^(\d+)_(\d+|inf)$/.exec(offset);
  if (!m) return null;
  return { seq: Number(m[1]), part: m[2] === 'inf' ? 'inf' : Number(m[2]) };
}

/** Electric's cache-defeating cursor: seconds since 2024-10-09, rounded up to the poll interval. */
export function nextCursor(previous: string | undefined): string {
  const interval = LIVE_TIMEOUT_MS / 1000;
  const seconds = Math.ceil((Date.now() - Date.UTC(2024, 9, 9)) / 1000 / interval) * interval;
  const prev = Number(previous);
  return String(
    Number.isFinite(prev) && seconds <= prev ? prev + 1 + Math.floor(Math.random() * 3600) : seconds,
  );
}

/** 409: the handle no longer names this shape's log; the client drops its rows and starts over. */
export function mustRefetch(scope: string, epoch: number): ShapeAnswer {
  return {
    status: 409,
    headers: { 'electric-handle': newHandle(scope, epoch, 0) },
    body: '[{"headers":{"control":"must-refetch"}}]',
  };
}

/** One chunk of a snapshot at log position `s`; `next` is the chunk after it. */
export function snapshotAnswer(
  handle: string,
  s: number,
  next: number,
  last: boolean,
  rows: string[],
  schema: string,
): ShapeAnswer {
  const headers: Record<string, string> = {
    'electric-handle': handle,
    'electric-offset': last ? `${s}_inf` : `${s}_${next}`,
    'electric-schema': schema,
  };
  if (last) {
    headers['electric-up-to-date'] = '';
    rows.push(UP_TO_DATE);
  }
  return { status: 200, headers, body: `[${rows.join(',')}]` };
}

/** Changes read from the log after the request's offset (`offsetSeq`), up to `page.lastSeq`. */
export function logAnswer(
  req: ShapeRequest,
  offsetSeq: number,
  page: { messages: readonly string[]; lastSeq: number; upToDate: boolean },
  schema: string,
): ShapeAnswer {
  const headers: Record<string, string> = {
    'electric-handle': req.handle as string,
    // Nothing past the request's position: echo its offset, so an offset never moves backwards
    // (`S_inf` must not turn into `S_0`).
    'electric-offset': page.lastSeq === offsetSeq ? req.offset : `${page.lastSeq}_0`,
  };
  if (req.live) headers['electric-cursor'] = nextCursor(req.cursor);
  else headers['electric-schema'] = schema;
  const messages = [...page.messages];
  if (page.upToDate) {
    headers['electric-up-to-date'] = '';
    messages.push(UP_TO_DATE);
  }
  return { status: 200, headers, body: `[${messages.join(',')}]` };
}
