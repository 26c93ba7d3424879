/**
 * The long-poll's log head read again after polls time out: at most once in the window however
 * many polls time out together, and then it holds what was committed meanwhile, even when that
 * commit's notification never came.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../platform/database.ts';
import { LongPoll } from './long-poll.ts';

describe('LongPoll.refreshHeadIfOlder', () => {
  let database: Database;
  let poll: LongPoll;
  let headReads = 0;
  beforeAll(async () => {
    database = await openDatabase({});
    const query = database.query.bind(database);
    database.query = (<R>(text: string, params?: unknown[]) => {
      if (text.includes('max(seq) FROM change_log')) headReads++;
      return query<R>(text, params);
    }) as Database['query'];
    poll = new LongPoll(database);
    await poll.start();
  });
  afterAll(async () => {
    await poll.stop();
    await database.close();
  });

  it('reads the head once for a burst of timed-out polls, and again once the window has passed', async () => {
    // A change logged without its notification (as if the NOTIFY were lost).
    await database.query(
      `INSERT INTO change_log (seq, tx_id, table_name, row_id, operation, new_row)
       VALUES (nextval('change_log_seq'), 1, 'patients', gen_random_uuid(), 'insert', '{}')`,
    );
    const [{ seq } = { seq: '0' }] = await database.query<{ seq: string }>(
      'SELECT max(seq)::text AS seq FROM change_log',
    );
    await new Promise((r) => setTimeout(r, 120));
    const before = headReads;
    await Promise.all(Array.from({ length: 40 }, () => poll.refreshHeadIfOlder(100)));
    expect(headReads - before).toBe(1);
    expect(poll.head).toBe(Number(seq));
    await poll.refreshHeadIfOlder(100);
    expect(headReads - before).toBe(1);
    await new Promise((r) => setTimeout(r, 120));
    await poll.refreshHeadIfOlder(100);
    expect(headReads - before).toBe(2);
  });
});
