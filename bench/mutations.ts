/**
 * (c) Server mutation apply rate: batches of patient-insert mutations POSTed to
 * `/api/sync/mutations` with a workstation token and grant, against plain INSERTs of equivalent
 * rows into the same table (same triggers), one transaction per batch, with `pg` directly.
 */
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { type Mutation, SYNC_SCHEMA_VERSION } from '../db/sync-contract.ts';
import type { BenchClient } from './http.ts';

export interface MutationsResult {
  batchSize: number;
  batches: number;
  mutations: number;
  notApplied: number;
  mutationMs: number;
  mutationsPerSec: number;
  /** Per-batch HTTP time (ms). */
  batchP50: number;
  batchMax: number;
  multiRowMs: number;
  multiRowPerSec: number;
  perRowMs: number;
  perRowPerSec: number;
  ratio: number;
  ratioPerRow: number;
}

let serial = 0;
let hlcCounter = 0;
const patientData = (tag: string) => {
  serial++;
  return {
    mrn: `P-${tag}-${String(serial).padStart(7, '0')}`,
    first_name: 'Awa',
    last_name: 'Ceesay',
    date_of_birth: '1984-03-02',
    gender: serial % 2 ? 'female' : 'male',
    phone: '+220 7000001',
    address: 'Brikama',
  };
};

export async function benchMutations(opts: {
  client: BenchClient;
  dbUrl: string;
  batchSize: number;
  batches: number;
  log: (line: string) => void;
}): Promise<MutationsResult> {
  const { client, batchSize } = opts;
  const ws = await client.enrol('Bench uploader', 'reception');
  const authorId = await client.createUser('bench_uploader', 'receptionist').catch(async () => {
    throw new Error('could not create the uploader user');
  });
  const grant = await client.grant('bench_uploader', 'password-bench_uploader', ws.token);
  const node = 'bench-c';

  const makeBatch = (): Mutation[] =>
    Array.from({ length: batchSize }, () => {
      const ms = Date.now();
      // Each insert its own unit of work, as a registration desk makes them.
      return {
        id: uuidv7(),
        tx_id: uuidv7(),
        table: 'patients',
        row_id: uuidv7(),
        op: 'insert',
        author_id: authorId,
        hlc: `${String(ms).padStart(13, '0')}-${String(hlcCounter++ % 999999).padStart(6, '0')}-${node}`,
        device_time: new Date(ms).toISOString(),
        data: patientData('MUT'),
      } satisfies Mutation;
    });
  const post = async (mutations: Mutation[]) => {
    const res = await fetch(`${client.url}/api/sync/mutations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.token}` },
      body: JSON.stringify({ schema_version: SYNC_SCHEMA_VERSION, grants: { [authorId]: grant }, mutations }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST /api/sync/mutations → ${res.status} ${text.slice(0, 300)}`);
    return (JSON.parse(text) as { results: { outcome: string; reason?: string }[] }).results;
  };

  // Warm-up (JIT, connection pool, prepared plans): not timed.
  for (const r of await post(makeBatch()))
    if (r.outcome !== 'applied') throw new Error(`warm-up mutation ${r.outcome}: ${r.reason ?? ''}`);

  const batches = Array.from({ length: opts.batches }, makeBatch);
  let notApplied = 0;
  const perBatch: number[] = [];
  const t0 = performance.now();
  for (const b of batches) {
    const b0 = performance.now();
    const results = await post(b);
    perBatch.push(performance.now() - b0);
    for (const r of results) if (r.outcome !== 'applied') notApplied++;
  }
  const mutationMs = performance.now() - t0;
  const total = batchSize * opts.batches;

  // Baselines: the same rows (fresh ids and MRNs) with the columns the server writes.
  const db = new pg.Client({ connectionString: opts.dbUrl });
  await db.connect();
  const cols = [
    'id',
    'mrn',
    'first_name',
    'last_name',
    'date_of_birth',
    'gender',
    'phone',
    'address',
    'created_at',
    'updated_at',
    'created_by',
    'updated_by',
  ];
  const rowsOf = () =>
    Array.from({ length: batchSize }, () => {
      const d = patientData('RAW');
      const at = new Date().toISOString();
      return [
        uuidv7(),
        d.mrn,
        d.first_name,
        d.last_name,
        d.date_of_birth,
        d.gender,
        d.phone,
        d.address,
        at,
        at,
        authorId,
        authorId,
      ];
    });
  const colList = cols.map((c) => pg.escapeIdentifier(c)).join(', ');
  const one = `INSERT INTO patients (${colList}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`;
  const multi = (n: number) =>
    `INSERT INTO patients (${colList}) VALUES ${Array.from(
      { length: n },
      (_, r) => `(${cols.map((_, c) => `$${r * cols.length + c + 1}`).join(', ')})`,
    ).join(', ')}`;
  try {
    // Warm-up.
    await db.query('BEGIN');
    for (const r of rowsOf()) await db.query({ name: 'bench_one', text: one, values: r });
    await db.query('COMMIT');

    const multiBatches = Array.from({ length: opts.batches }, rowsOf);
    const m0 = performance.now();
    for (const b of multiBatches) {
      await db.query('BEGIN');
      await db.query({ name: `bench_multi_${b.length}`, text: multi(b.length), values: b.flat() });
      await db.query('COMMIT');
    }
    const multiRowMs = performance.now() - m0;

    const rowBatches = Array.from({ length: opts.batches }, rowsOf);
    const r0 = performance.now();
    for (const b of rowBatches) {
      await db.query('BEGIN');
      for (const r of b) await db.query({ name: 'bench_one', text: one, values: r });
      await db.query('COMMIT');
    }
    const perRowMs = performance.now() - r0;

    const mutationsPerSec = total / (mutationMs / 1000);
    const multiRowPerSec = total / (multiRowMs / 1000);
    const perRowPerSec = total / (perRowMs / 1000);
    const sorted = [...perBatch].sort((a, b) => a - b);
    return {
      batchSize,
      batches: opts.batches,
      mutations: total,
      notApplied,
      mutationMs,
      mutationsPerSec,
      batchP50: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
      batchMax: sorted[sorted.length - 1] ?? Number.NaN,
      multiRowMs,
      multiRowPerSec,
      perRowMs,
      perRowPerSec,
      ratio: mutationsPerSec / multiRowPerSec,
      ratioPerRow: mutationsPerSec / perRowPerSec,
    };
  } finally {
    await db.end();
  }
}
