/**
 * The read path: Electric's HTTP shape protocol served from the change log (`protocol.ts` has the
 * offsets and handles). A request either starts or continues a snapshot (`snapshot-plan.ts`) or
 * reads the log after its offset (`log-reader.ts`), holding a live request until a commit touches
 * its tables (`long-poll.ts`).
 */
import type { AnyTableModel } from '../../../db/schema/dsl.ts';
import { tableByName } from '../../../db/schema/index.ts';
import { LIVE_TIMEOUT_MS } from '../../../db/sync-contract.ts';
import { HttpError } from '../../http/errors.ts';
import type { Database } from '../../platform/database.ts';
import { currentSeq } from '../change-log.ts';
import { ruleFor, type ScopeRule, scopeKey, type WorkstationScope } from '../scopes.ts';
import { electricSchema } from '../wire.ts';
import { LogReader } from './log-reader.ts';
import { LongPoll } from './long-poll.ts';
import {
  logAnswer,
  mustRefetch,
  newHandle,
  parseHandle,
  parseOffset,
  type ShapeAnswer,
  type ShapeRequest,
  scopeHash,
  snapshotAnswer,
} from './protocol.ts';
import { SnapshotPlanner } from './snapshot-plan.ts';

export class ShapeService {
  private readonly poll: LongPoll;
  private readonly snapshots: SnapshotPlanner;
  private readonly log: LogReader;

  constructor(private readonly database: Database) {
    this.poll = new LongPoll(database);
    this.snapshots = new SnapshotPlanner(database);
    this.log = new LogReader(database);
  }

  start(): Promise<void> {
    return this.poll.start();
  }

  stop(): Promise<void> {
    return this.poll.stop();
  }

  async serve(ws: WorkstationScope, req: ShapeRequest, signal?: AbortSignal): Promise<ShapeAnswer> {
    const table = tableByName(req.table);
    const rule = ruleFor(ws.kind, req.table);
    if (!table || !rule)
      throw new HttpError(400, 'unknown_shape', `table "${req.table}" is not in this workstation's scope`);
    const offset = parseOffset(req.offset);
    if (!offset) throw new HttpError(400, 'invalid_offset', 'offset must be -1 or <seq>_<n>');
    const pos = await this.poll.logPosition();
    const scope = scopeHash(scopeKey(ws, req.table));

    if (offset === 'snapshot') return this.snapshotStart(ws, table, rule, scope, pos.epoch);

    const handle = parseHandle(req.handle);
    if (!handle) throw new HttpError(400, 'invalid_handle', 'a handle is required with this offset');
    const stale =
      handle.scope !== scope ||
      handle.epoch !== pos.epoch ||
      offset.seq < pos.floor ||
      offset.seq < handle.snapshotSeq ||
      (typeof offset.part === 'number' &&
        offset.part > 0 &&
        (await this.snapshots.boundaries(req.handle as string)) === null);
    if (stale) return mustRefetch(scope, pos.epoch);

    const schema = JSON.stringify(electricSchema(table));
    if (typeof offset.part === 'number' && offset.part > 0) {
      const chunk = await this.snapshots.chunk(req.handle as string, ws, table, rule, offset.part);
      return snapshotAnswer(
        req.handle as string,
        handle.snapshotSeq,
        offset.part + 1,
        chunk.last,
        chunk.rows,
        schema,
      );
    }
    const deps = (rule.dependsOn ?? []).map((d) => d.table);
    const watched = [table.name, ...deps];
    // Register before reading, so a commit between the read and the wait still wakes us.
    const deadline = Date.now() + LIVE_TIMEOUT_MS;
    let wait =
      req.live && this.poll.holding ? this.poll.waitFor(watched, LIVE_TIMEOUT_MS, signal) : undefined;
    try {
      // A live request trusts the notified head (a commit not yet notified will wake it); a catch-up
      // request asks the database, so "up to date" is never older than the request.
      const head = wait ? this.poll.head : await currentSeq(this.database.query.bind(this.database));
      let page = await this.log.read(ws, table, rule, scope, offset.seq, head);
      while (page.messages.length === 0 && wait) {
        const why = await wait.promise;
        if (signal?.aborted) throw new HttpError(499, 'aborted', 'client went away');
        const remaining = deadline - Date.now();
        if (why !== 'change' || remaining <= 0) {
          // The poll's time is up, or everything may have moved (a re-scope, a compaction): answer,
          // and the PC's next request finds out. Read the head again (shared by every waiter, at most
          // once a second), so a lost notification delays a change by one poll, not forever.
          if (why === 'timeout') await this.poll.refreshHeadIfOlder(1_000);
          wait = undefined;
        } else {
          // A commit touched a watched table (its head read just before the wake). If none of it is
          // this PC's, keep holding: an empty answer would only make every PC of the hospital parse,
          // store and ask again for nothing.
          wait = this.poll.waitFor(watched, remaining, signal);
        }
        page = await this.log.read(ws, table, rule, scope, offset.seq, this.poll.head);
      }
      if (page.compacted) return mustRefetch(scope, pos.epoch);
      return logAnswer(req, offset.seq, page, schema);
    } finally {
      wait?.cancel();
    }
  }

  private async snapshotStart(
    ws: WorkstationScope,
    table: AnyTableModel,
    rule: ScopeRule,
    scope: string,
    epoch: number,
  ): Promise<ShapeAnswer> {
    const first = await this.snapshots.begin(ws, table, rule);
    const handle = newHandle(scope, epoch, first.seq);
    if (!first.last) await this.snapshots.keep(handle, first.boundaries);
    return snapshotAnswer(
      handle,
      first.seq,
      1,
      first.last,
      first.rows,
      JSON.stringify(electricSchema(table)),
    );
  }
}
