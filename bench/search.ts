/**
 * (d) Patient search as a front desk types it, on a workstation holding the demo hospital: queries of
 * sixteen shapes (name prefixes, full names in either order, misspellings, parts of an MRN, phone
 * fragments and ends, dates of birth, a name with a date of birth), each made from a patient the PC holds,
 * drawn with a fixed PRNG seed (the demo seed is deterministic, so every run types the same queries).
 *
 * Each query is timed through the core's public API, `ws.api.patients.search` (the search, the
 * policy-checked rows and their age: what a screen gets), and through `PatientSearch.search` alone
 * on a second connection; the baseline is a primary-key read of the query's patient in the same run,
 * through the core (`ws.get`, policy-checked) and as a raw prepared SELECT.
 *
 * A query that finds nothing counts against the figure: every query is made from a patient the PC
 * holds, so "nothing" is a miss, however fast.
 */
import type Database from 'better-sqlite3';
import { parseNumber } from '../db/numbers.ts';
import { fold, wordKey } from '../db/rules/name-keys.ts';
import { PatientSearch } from '../main/core/features/patients/search.ts';
import type { Workstation } from '../main/core/workstation.ts';
import { type Summary, summarize } from './stats.ts';

/** Timings to the microsecond (a primary-key read takes a few). */
const ms = (xs: number[]) => summarize(xs, 3);

interface Patient {
  id: string;
  mrn: string;
  first_name: string;
  last_name: string;
  date_of_birth: string;
  phone: string | null;
}

export interface SearchQuery {
  shape: string;
  text: string;
  /** The patient the query was made from. */
  targetId: string;
}

export interface SearchShapeStat {
  shape: string;
  n: number;
  api: Summary;
  raw: Summary;
  /** Queries that found no patient at all. */
  empty: number;
  /** Queries whose patient is on the first page. */
  targetFound: number;
  examples: string[];
}

export interface SearchResult {
  patients: number;
  queries: number;
  limit: number;
  role: string;
  /** `ws.api.patients.search`: search, policy-checked rows, age. */
  api: Summary;
  /** `PatientSearch.search` alone (on a second connection to the same file). */
  raw: Summary;
  /** Primary-key read of the query's patient through the core (`ws.get`: policy-checked). */
  pkRead: Summary;
  /** The same read as a raw prepared `SELECT * FROM patients WHERE id = ?`. */
  rawPkRead: Summary;
  empty: number;
  targetFound: number;
  emptyQueries: { shape: string; text: string }[];
  byShape: SearchShapeStat[];
  /** Every measured query in the order typed (ms; hits on the first page). */
  each: { shape: string; text: string; api: number; raw: number; hits: number; found: boolean }[];
}

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONSONANT = '[b-df-hj-np-tv-z]';
const SWAP: Record<string, string> = { a: 'e', e: 'a', i: 'e', o: 'u', u: 'o' };

/**
 * A misspelling a desk makes ("mohamed" for Muhammad, "otieno" for Ottieno): a doubled consonant
 * undone (or a single one doubled) and a later vowel changed, kept only if it still sounds the same
 * (same phonetic key), which is the promise the search makes. Null for short names, whose keys are
 * shared by many different names (a misspelt "Bah" is another name).
 */
export function misspell(word: string): string | null {
  if (word.length < 4 || !/^[a-z]+$/.test(word)) return null;
  const undoubled = word.replace(new RegExp(`(${CONSONANT})\\1`), '$1');
  const doubled = word.replace(new RegExp(`^(.+?[aeiouy])(${CONSONANT})(?=[aeiouy])`), '$1$2$2');
  const base = undoubled !== word ? undoubled : doubled;
  const swapLastVowel = (s: string) => {
    for (let i = s.length - 1; i > 0; i--) {
      const v = SWAP[s[i] as string];
      if (v) return s.slice(0, i) + v + s.slice(i + 1);
    }
    return s;
  };
  const key = wordKey(word);
  for (const v of [swapLastVowel(base), base, swapLastVowel(word)])
    if (v !== word && wordKey(v) === key) return v;
  return null;
}

const firstWord = (s: string) => (fold(s) ?? '').split(' ')[0] ?? '';
const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
/** `+220 7012345` → ['+220', '7012345']. */
const phoneParts = (p: Patient) => {
  const m = p.phone ? /^(\+\d+) (\d+)$/.exec(p.phone) : null;
  return m ? { cc: m[1] as string, local: m[2] as string } : null;
};

/** The shapes, cycled through in this order: query i has shape i mod 16. */
const SHAPES: { shape: string; make: (p: Patient, rnd: () => number) => string | null }[] = [
  { shape: 'first-name prefix ("fat")', make: (p) => firstWord(p.first_name).slice(0, 3) },
  {
    shape: 'first name + surname prefix ("fatou cee")',
    make: (p) => `${firstWord(p.first_name)} ${(fold(p.last_name) ?? '').slice(0, 3)}`,
  },
  {
    shape: 'surname + initial ("ceesay a")',
    make: (p) => `${fold(p.last_name)} ${firstWord(p.first_name).slice(0, 1)}`,
  },
  { shape: 'surname ("jallow")', make: (p) => fold(p.last_name) },
  { shape: 'full name, first last', make: (p) => `${fold(p.first_name)} ${fold(p.last_name)}` },
  { shape: 'full name, last first', make: (p) => `${fold(p.last_name)} ${fold(p.first_name)}` },
  { shape: 'misspelt surname ("otieno")', make: (p) => misspell(fold(p.last_name) ?? '') },
  {
    shape: 'misspelt first name + surname ("mohamed jallow")',
    make: (p) => {
      const m = misspell(firstWord(p.first_name));
      return m ? `${m} ${fold(p.last_name)}` : null;
    },
  },
  {
    // "DEMO-0001" of "P-DEMO-000123": the "P-" left off and the last one to three digits not typed yet.
    shape: 'MRN part ("DEMO-0001")',
    make: (p, rnd) => p.mrn.slice(2, p.mrn.length - 1 - Math.floor(rnd() * 3)),
  },
  { shape: 'MRN serial ("000123")', make: (p) => /(\d+)$/.exec(p.mrn)?.[1] ?? null },
  {
    // The hospital's own numbers are typed without the country code.
    shape: 'phone fragment ("7012")',
    make: (p) => {
      const ph = phoneParts(p);
      return ph && ph.cc === '+220' ? ph.local.slice(0, 4) : null;
    },
  },
  {
    // The end of a number, as a patient reads it out ("...2345"): the substring tier.
    shape: 'phone end ("2345")',
    make: (p) => phoneParts(p)?.local.slice(-4) ?? null,
  },
  {
    shape: 'phone with country code ("+220 70")',
    make: (p) => {
      const ph = phoneParts(p);
      return ph ? `${ph.cc} ${ph.local.slice(0, 2)}` : null;
    },
  },
  { shape: 'date of birth ISO ("1988-05-17")', make: (p) => p.date_of_birth },
  { shape: 'date of birth d/m/y ("17/05/1988")', make: (p) => dmy(p.date_of_birth) },
  {
    shape: 'name + date of birth ("fatou 17/05/1988")',
    make: (p, rnd) =>
      rnd() < 0.5
        ? `${firstWord(p.first_name)} ${dmy(p.date_of_birth)}`
        : `${fold(p.last_name)} ${firstWord(p.first_name)} ${p.date_of_birth}`,
  },
];

/** `n` queries made from active patients picked at random (by MRN serial) with the PRNG `seed`. */
export function drawQueries(sqlite: Database.Database, n: number, seed: number): SearchQuery[] {
  const first = sqlite.prepare('SELECT mrn FROM patients ORDER BY mrn LIMIT 1').get() as
    | { mrn: string }
    | undefined;
  const code = first ? parseNumber('mrn', first.mrn)?.code : undefined;
  if (!code) throw new Error('the workstation holds no patient with a workstation-numbered MRN');
  const { total } = sqlite
    .prepare('SELECT count(*) AS total FROM patients WHERE mrn LIKE ?')
    .get(`P-${code}-%`) as { total: number };
  const byMrn = sqlite.prepare(
    `SELECT id, mrn, first_name, last_name, date_of_birth, phone FROM patients
      WHERE mrn = ? AND deleted_at IS NULL AND merged_into_id IS NULL`,
  );
  const rnd = prng(seed);
  const width = first?.mrn.length ?? 0;
  const out: SearchQuery[] = [];
  for (let tries = 0; out.length < n && tries < n * 100; tries++) {
    const serial = String(1 + Math.floor(rnd() * total));
    const mrn = `P-${code}-${serial.padStart(width - code.length - 3, '0')}`;
    const p = byMrn.get(mrn) as Patient | undefined;
    const s = SHAPES[out.length % SHAPES.length] as (typeof SHAPES)[number];
    const text = p ? s.make(p, rnd) : null;
    if (p && text) out.push({ shape: s.shape, text, targetId: p.id });
  }
  if (out.length < n) throw new Error(`could only make ${out.length} of ${n} search queries`);
  return out;
}

export async function benchSearch(opts: {
  ws: Workstation;
  /** A second connection to the workstation's file (the bench's own: the core hands out none). */
  sqlite: Database.Database;
  queries: number;
  warmup: number;
  limit: number;
}): Promise<SearchResult> {
  const { ws, sqlite, limit } = opts;
  const role = ws.status().user?.role;
  if (!role) throw new Error('log someone in before searching');
  const queries = drawQueries(sqlite, opts.queries, 6);
  const warmup = drawQueries(sqlite, opts.warmup, 66);
  const raw = new PatientSearch(sqlite);
  const rawGet = sqlite.prepare('SELECT * FROM patients WHERE id = ?');
  const { patients } = sqlite
    .prepare('SELECT count(*) AS patients FROM patients WHERE deleted_at IS NULL AND merged_into_id IS NULL')
    .get() as { patients: number };

  type Timing = {
    q: SearchQuery;
    api: number;
    raw: number;
    pk: number;
    rawPk: number;
    hits: number;
    found: boolean;
  };
  const time = async (q: SearchQuery): Promise<Timing> => {
    let t0 = performance.now();
    const r = await ws.api.patients.search({ query: q.text, limit });
    const api = performance.now() - t0;
    if (!r.ok) throw new Error(`search (${q.shape}) refused: ${r.error.message}`);
    t0 = performance.now();
    raw.search(q.text, { limit: limit + 1, offset: 0 }); // what the handler asks for
    const rawMs = performance.now() - t0;
    t0 = performance.now();
    const row = ws.get('patients', q.targetId);
    const pk = performance.now() - t0;
    if (!row) throw new Error('the primary-key read found nothing (is the user allowed to read patients?)');
    t0 = performance.now();
    rawGet.get(q.targetId);
    const rawPk = performance.now() - t0;
    const { hits } = r.value;
    return {
      q,
      api,
      raw: rawMs,
      pk,
      rawPk,
      hits: hits.length,
      found: hits.some((h) => h.patient.id === q.targetId),
    };
  };

  // Warm-up with other queries (JIT, prepared statements); the measured queries start cold.
  for (const q of warmup) await time(q);
  const timings: Timing[] = [];
  for (const q of queries) timings.push(await time(q));

  const byShape = [...new Set(queries.map((q) => q.shape))].map((shape): SearchShapeStat => {
    const ts = timings.filter((t) => t.q.shape === shape);
    return {
      shape,
      n: ts.length,
      api: ms(ts.map((t) => t.api)),
      raw: ms(ts.map((t) => t.raw)),
      empty: ts.filter((t) => t.hits === 0).length,
      targetFound: ts.filter((t) => t.found).length,
      examples: ts.slice(0, 3).map((t) => t.q.text),
    };
  });
  const empty = timings.filter((t) => t.hits === 0);
  return {
    patients,
    queries: timings.length,
    limit,
    role,
    api: ms(timings.map((t) => t.api)),
    raw: ms(timings.map((t) => t.raw)),
    pkRead: ms(timings.map((t) => t.pk)),
    rawPkRead: ms(timings.map((t) => t.rawPk)),
    empty: empty.length,
    targetFound: timings.filter((t) => t.found).length,
    emptyQueries: empty.map((t) => ({ shape: t.q.shape, text: t.q.text })),
    byShape,
    each: timings.map((t) => ({
      shape: t.q.shape,
      text: t.q.text,
      api: Math.round(t.api * 1000) / 1000,
      raw: Math.round(t.raw * 1000) / 1000,
      hits: t.hits,
      found: t.found,
    })),
  };
}
