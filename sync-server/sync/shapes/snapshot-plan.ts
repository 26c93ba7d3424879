/**
 * Snapshots: a shape's rows read from the table itself at one log position S, in chunks. The chunk
 * boundaries are fixed when the snapshot starts, so the client can page through a big table while
 * it changes, and then follow the log from S. They are kept in Postgres (`snapshot_plans`), so any
 * server instance serves the next chunk.
 */
import { quoteIdent } from '../../../db/primitives/index.ts';
import type { AnyTableModel } from '../../../db/schema/dsl.ts';
import type { Database, RawQuery } from '../../platform/database.ts';
import { currentSeq } from '../change-log.ts';
import { bindPredicate, columnView, type ScopeRule, type WorkstationScope } from '../scopes.ts';
import { changeMessageSql } from '../wire.ts';

export const SNAPSHOT_CHUNK = 10_000;
/** A plan unused for this long is dropped; a client that comes back later re-snapshots (409). */
const PLAN_TTL_MS = 30 * 60 * 1000;

interface SnapshotPlan {
  boundaries: string[];
  createdAt: number;
}

export class SnapshotPlanner {
  /**
   * Plans this instance made or read, in front of `snapshot_plans` (where every instance finds
   * them: a load balancer may send a snapshot's next chunk to any).
   */
  private readonly plans = new Map<string, SnapshotPlan>();

  constructor(private readonly database: Database) {}

  /** The chunk boundaries of `handle`'s snapshot, or null when no instance holds them any more. */
  async boundaries(handle: string): Promise<string[] | null> {
    const mine = this.plans.get(handle);
    if (mine) return mine.boundaries;
    const [row] = await this.database.query<{ boundaries: string[] }>(
      `SELECT boundaries FROM snapshot_plans WHERE handle = $1 AND created_at > now() - make_interval(secs => $2)`,
      [handle, PLAN_TTL_MS / 1000],
    );
    return row?.boundaries ?? null;
  }

  /**
   * Starts a snapshot: its position S, the chunk boundaries and the first chunk, all read in one
   * REPEATABLE READ transaction. `last` when the first chunk is the whole snapshot.
   */
  async begin(
    ws: WorkstationScope,
    table: AnyTableModel,
    rule: ScopeRule,
  ): Promise<{ seq: number; boundaries: string[]; rows: string[]; last: boolean }> {
    const where = bindPredicate(rule.where, ws, { r: 'r' }, 1);
    const result = await this.database.transaction(
      async (q) => {
        const seq = await currentSeq(q);
        // Every SNAPSHOT_CHUNK-th id: chunk k holds ids in (b[k-1], b[k]]. Fixed now, so rows
        // deleted or inserted while the client pages cannot shift a row out of every chunk.
        const boundaries = (
          await q<{ id: string }>(
            `SELECT id::text AS id FROM (SELECT r.id, row_number() OVER (ORDER BY r.id) AS n FROM ${quoteIdent(table.name)} r WHERE ${where.sql}) x
             WHERE n % ${SNAPSHOT_CHUNK} = 0 ORDER BY id`,
            where.params,
          )
        ).map((r) => r.id);
        const rows = await chunkRows(q, ws, table, rule, null, boundaries[0] ?? null);
        return { seq, boundaries, rows };
      },
      { isolation: 'repeatable read' },
    );
    return { ...result, last: result.boundaries.length === 0 };
  }

  /** Keeps the boundaries of a snapshot with more chunks to come, under its handle. */
  async keep(handle: string, boundaries: string[]): Promise<void> {
    const cutoff = Date.now() - PLAN_TTL_MS;
    for (const [h, p] of this.plans) if (p.createdAt < cutoff) this.plans.delete(h);
    this.plans.set(handle, { boundaries, createdAt: Date.now() });
    await this.database.query(
      `WITH gone AS (DELETE FROM snapshot_plans WHERE created_at < now() - make_interval(secs => $3))
       INSERT INTO snapshot_plans (handle, boundaries) VALUES ($1, $2::jsonb) ON CONFLICT (handle) DO NOTHING`,
      [handle, JSON.stringify(boundaries), PLAN_TTL_MS / 1000],
    );
  }

  /** Chunk `part` (1-based after the first) of `handle`'s snapshot; `last` ends the snapshot. */
  async chunk(
    handle: string,
    ws: WorkstationScope,
    table: AnyTableModel,
    rule: ScopeRule,
    part: number,
  ): Promise<{ rows: string[]; last: boolean }> {
    const boundaries = (await this.boundaries(handle)) ?? [];
    const lo = boundaries[part - 1] ?? null;
    const hi = boundaries[part] ?? null;
    const rows = await this.database.transaction((q) => chunkRows(q, ws, table, rule, lo, hi));
    const last = hi === null;
    if (last) {
      this.plans.delete(handle);
      await this.database.query('DELETE FROM snapshot_plans WHERE handle = $1', [handle]);
    }
    return { rows, last };
  }
}

/** The shape's rows with ids in (lo, hi], as insert messages. */
async function chunkRows(
  q: RawQuery,
  ws: WorkstationScope,
  table: AnyTableModel,
  rule: ScopeRule,
  lo: string | null,
  hi: string | null,
): Promise<string[]> {
  const params: unknown[] = [];
  const bounds: string[] = [];
  if (lo) {
    params.push(lo);
    bounds.push(`r.id > $${params.length}::uuid`);
  }
  if (hi) {
    params.push(hi);
    bounds.push(`r.id <= $${params.length}::uuid`);
  }
  const where = bindPredicate(rule.where, ws, { r: 'r' }, params.length + 1);
  const rows = await q<{ m: string }>(
    `SELECT ${changeMessageSql(table, 'r', `'insert'`, columnView(ws, table))} AS m FROM ${quoteIdent(table.name)} r
     WHERE (${where.sql})${bounds.map((b) => ` AND ${b}`).join('')} ORDER BY r.id`,
    [...params, ...where.params],
  );
  return rows.map((r) => r.m);
}
