/** Helpers for the core's unit tests: a real encrypted SQLite file in a temp directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { type LocalDatabase, openLocalDatabase } from './store/local-db.ts';
import { Outbox } from './store/outbox.ts';
import { Writes, type WritesOptions } from './store/writes.ts';
import { HybridLogicalClock } from './sync/hlc.ts';

export interface TestDb {
  dir: string;
  local: LocalDatabase;
  outbox: Outbox;
  cleanup(): void;
}

export function openTestDb(): TestDb {
  const dir = mkdtempSync(join(tmpdir(), 'hms-core-'));
  const local = openLocalDatabase({ path: join(dir, 'ws.db'), key: 'test-key' });
  return {
    dir,
    local,
    outbox: new Outbox(local.sqlite),
    cleanup() {
      try {
        local.close();
      } catch {
        // already closed
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function makeWrites(
  t: TestDb,
  actor: { id: string; role: string } | null,
  holds?: WritesOptions['holds'],
) {
  let current = actor;
  const writes = new Writes({
    sqlite: t.local.sqlite,
    hlc: new HybridLogicalClock({ node: 'ws-test' }),
    outbox: t.outbox,
    actor: () => current,
    ...(holds ? { holds } : {}),
  });
  return { writes, setActor: (a: typeof actor) => (current = a) };
}

export const newId = () => uuidv7();

let mrn = 0;
export function patient(extra: Record<string, unknown> = {}) {
  mrn++;
  return {
    mrn: `P-T-${String(mrn).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`,
    first_name: 'Awa',
    last_name: 'Jallow',
    date_of_birth: '1990-04-12',
    gender: 'female',
    ...extra,
  };
}

export function count(t: TestDb, sql: string, ...args: unknown[]): number {
  return (t.local.sqlite.prepare(sql).get(...args) as { n: number }).n;
}

/** A JSON HTTP answer, for the fake servers of unit tests. */
export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
