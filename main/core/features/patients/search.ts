/**
 * Patient search and duplicate candidates over the local replica (the only module that reads the
 * search index of db/migrations/sqlite/0002_patient_search.sql).
 *
 * Ranking is an ordered list of *tiers*: each a predicate on one indexed patient (`s` the search
 * projection, `p` the patient), made disjoint from the tiers before it, whose rows an index hands out
 * already in order, so a page of 20 stops after about 20 index entries even when "jallow" matches
 * eleven thousand patients. (Scoring every match with bm25 and sorting costs 15–50 ms on 200,000
 * patients; streaming a tier costs well under one.) OFFSET carries from tier to tier; a tier is
 * counted only when the offset skips past its end.
 *
 * - The query holds an identifier (a digit): exact MRN, MRN serial, phone or national id first, then
 *   MRN, phone and serial prefixes, last the fragment anywhere in one of them (I: trigrams, "4567"
 *   finds a phone ending in 4567).
 * - Names (words a_i; with two or more, a pair i = surname and j = first name): surname equal and
 *   first name starting (A), first name equal and surname starting (B), both starting (C); a word
 *   starting a middle or second name (W); the phonetic keys (F: "Mohamed" finds "Muhammad"; with
 *   several words F comes before W); last, substrings of the names (S: trigrams). These three full-text tiers look at the newest 300
 *   candidates at most (a common sound or word would otherwise mean reading thousands of rows the
 *   exact tiers already showed); the exact and prefix tiers are complete.
 * - A date of birth narrows everything: the few patients born that day are ranked in one statement.
 */
import type Database from 'better-sqlite3';
import { digits, firstKey, fold, idNorm, phoneCanon, wordKey } from '../../../../db/rules/name-keys.ts';
import type { DuplicateReason, MatchKind } from '../../../common/patients.ts';
import { Statements } from '../../store/statements.ts';

export interface SearchHit {
  id: string;
  match: MatchKind;
}

export interface DuplicateHit {
  id: string;
  reasons: DuplicateReason[];
}

/** Candidates a full-text tier looks at, at most (the newest, when a word or sound is very common). */
export const FTS_CAP = 300;

const ACTIVE = 'p.deleted_at IS NULL AND p.merged_into_id IS NULL';
/** The smallest string greater than every string starting with `s` (a prefix range's upper end). */
const after = (s: string) => s.slice(0, -1) + String.fromCharCode(s.charCodeAt(s.length - 1) + 1);
const phrase = (s: string) => `"${s.replaceAll('"', '""')}"`;

interface Parsed {
  dob: string | null;
  names: string[];
  idRaw: string | null;
  idFragment: string | null;
}

/** A typed query → a date of birth (ISO or day/month/year), name words, an identifier fragment. */
export function parseQuery(q: string): Parsed {
  let dob: string | null = null;
  const names: string[] = [];
  const ids: string[] = [];
  for (const t of q.trim().split(/\s+/).filter(Boolean)) {
    const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
    if (/^\d{4}-\d{2}-\d{2}$/.test(t)) dob = t;
    else if (dmy)
      dob = `${dmy[3]}-${(dmy[2] as string).padStart(2, '0')}-${(dmy[1] as string).padStart(2, '0')}`;
    else {
      const f = fold(t);
      if (f && /^[a-z ]+$/.test(f)) names.push(...f.split(' '));
      else if (f) ids.push(t);
    }
  }
  const idRaw = ids.length ? ids.join(' ') : null;
  let idFragment: string | null = null;
  if (idRaw) {
    // Phone, MRN serial or national id: digits only. Otherwise an MRN fragment (MRNs start "P-").
    if (/^[+\d\s().-]+$/.test(idRaw)) idFragment = digits(idRaw);
    else {
      idFragment = idRaw.toUpperCase().replace(/\s+/g, '');
      if (!idFragment.startsWith('P-')) idFragment = `P-${idFragment}`;
    }
  }
  return { dob, names, idRaw, idFragment };
}

/**
 * One tier: `pred` is its membership (SQL over `s`, `p`), `kind` what a hit means. How its rows are
 * found: an FTS table, a sid subquery, a range on a `patients` index, the date-of-birth index, or
 * (default) the projection's name indexes.
 */
interface Tier {
  pred: string;
  order: string;
  kind: MatchKind | string;
  fts?: { table: 'patient_search_tokens' | 'patient_search_trigrams' | 'patient_search_ids'; match: string };
  sids?: string;
  byPatientIndex?: boolean;
  byBirthDate?: boolean;
  /** Several tiers ranked in one statement (few candidates: a date of birth was given). */
  ranked?: Tier[];
  firstNameOrder?: boolean;
}

export class PatientSearch {
  private readonly statements: Statements;

  constructor(sqlite: Database.Database) {
    this.statements = new Statements(sqlite);
  }

  private st(sql: string): Database.Statement {
    return this.statements.get(sql);
  }

  /** Active patients matching `query`, best first, one page. */
  search(query: string, page: { limit: number; offset: number }): SearchHit[] {
    const q = parseQuery(query);
    const params: Record<string, string | number> = {};
    let n = 0;
    const bind = (v: string | number) => {
      const k = `p${n++}`;
      params[k] = v;
      return `@${k}`;
    };
    const tiers: Tier[] = [];
    const filters: string[] = [];
    if (q.dob) filters.push(`p.date_of_birth = ${bind(q.dob)}`);
    const words = q.names.slice(0, 4);
    const wordStarts = words.map((t) => `s.nm LIKE ${bind(`% ${t}%`)}`);

    if (q.idFragment && q.idFragment.length >= 3) {
      this.identifierTiers(q, tiers, filters, wordStarts, bind);
    } else if (words.length) {
      const text = this.nameTiers(words, wordStarts, bind);
      if (q.dob)
        tiers.push({
          pred: `(${text.map((t) => t.pred).join(' OR ')})`,
          order: '',
          kind: 'name',
          ranked: text,
          byBirthDate: true,
        });
      else tiers.push(...text);
    } else if (q.dob) {
      tiers.push({ pred: '1', order: 's.ln, s.fn, s.sid', kind: 'date_of_birth', byBirthDate: true });
    }
    return this.run(tiers, filters, params, bind, page);
  }

  private identifierTiers(
    q: Parsed,
    tiers: Tier[],
    filters: string[],
    wordStarts: string[],
    bind: (v: string | number) => string,
  ) {
    filters.push(...wordStarts); // "fatou 7012": the name narrows an identifier search
    const f = q.idFragment as string;
    const numeric = /^\d+$/.test(f);
    const mrn = numeric ? null : bind(f);
    const d = numeric ? bind(f) : null;
    const tel = numeric ? phoneCanon(q.idRaw as string) : null;
    const telB = tel ? bind(tel) : null;
    const nid = numeric ? bind(idNorm(f) ?? f) : null;
    const exact = [
      mrn && `p.mrn = ${mrn}`,
      d && `s.mrn_serial = ${d}`,
      telB && `p.phone = ${telB}`,
      nid && `s.nid = ${nid}`,
    ].filter(Boolean);
    const sources = [
      mrn &&
        `SELECT s2.sid FROM patients p2 JOIN patient_search s2 ON s2.patient_id = p2.id WHERE p2.mrn = ${mrn}`,
      d && `SELECT sid FROM patient_search WHERE mrn_serial = ${d}`,
      telB &&
        `SELECT s2.sid FROM patients p2 JOIN patient_search s2 ON s2.patient_id = p2.id WHERE p2.phone = ${telB}`,
      d &&
        `SELECT rowid FROM patient_search_tokens WHERE patient_search_tokens MATCH ${bind(`n${f.toLowerCase()}`)}`,
    ].filter(Boolean);
    const exactKind = `CASE WHEN ${telB ? `p.phone = ${telB}` : '0'} THEN 'phone' WHEN ${nid ? `s.nid = ${nid}` : '0'} THEN 'national_id' ELSE 'mrn' END`;
    tiers.push({
      pred: `(${exact.join(' OR ')})`,
      sids: sources.join(' UNION ALL '),
      order: 'p.mrn',
      kind: exactKind,
    });
    if (mrn)
      tiers.push({
        pred: `(p.mrn >= ${mrn} AND p.mrn < ${bind(after(f))})`,
        order: 'p.mrn',
        kind: 'mrn',
        byPatientIndex: true,
      });
    if (telB && tel)
      tiers.push({
        pred: `(p.phone >= ${telB} AND p.phone < ${bind(after(tel))})`,
        order: 'p.phone',
        kind: 'phone',
        byPatientIndex: true,
      });
    if (d)
      tiers.push({
        pred: `(s.mrn_serial >= ${d} AND s.mrn_serial < ${bind(after(f))})`,
        order: 's.mrn_serial',
        kind: 'mrn',
      });
    // I: the fragment anywhere in an identifier ("4567", the end of a phone), newest first like the
    // other full-text tiers.
    const fragment = numeric ? f : idNorm(q.idRaw);
    if (fragment && fragment.length >= 3) {
      const frag = bind(fragment);
      const inId = (mrnSql: string, phoneSql: string, nidSql: string) =>
        `instr(hms_id_text(${mrnSql}, ${phoneSql}, ${nidSql}), ${frag}) > 0`;
      tiers.push({
        pred: `(${inId('p.mrn', 'p.phone', 'p.national_id')})`,
        fts: { table: 'patient_search_ids', match: phrase(fragment) },
        order: '',
        kind: `CASE WHEN ${inId('NULL', 'p.phone', 'NULL')} THEN 'phone' WHEN ${inId('p.mrn', 'NULL', 'NULL')} THEN 'mrn' ELSE 'national_id' END`,
      });
    }
  }

  private nameTiers(words: string[], wordStarts: string[], bind: (v: string | number) => string): Tier[] {
    const k = words.length;
    const a = words.map((t) => bind(t));
    const aAfter = words.map((t) => bind(after(t)));
    const keys = words.map((t) => wordKey(t));
    const and = (xs: string[]) => (xs.length ? xs.join(' AND ') : '1');
    const rest = (skip: number[]) =>
      words
        .map((_, j) => j)
        .filter((j) => !skip.includes(j))
        .map((j) => wordStarts[j] as string);
    const BY_SURNAME = 's.ln, s.fn, s.sid';
    const BY_FIRST = 's.fn, s.ln, s.sid';
    const tiers: Tier[] = [];
    // "fatou ceesay" and "ceesay fatou": the last word as surname first, then the first word.
    const pairs: [number, number][] =
      k === 1
        ? []
        : k === 2
          ? [
              [1, 0],
              [0, 1],
            ]
          : [
              [k - 1, 0],
              [0, 1],
            ];
    for (const [i, j] of pairs)
      tiers.push({
        pred: `(s.ln = ${a[i]} AND s.fn >= ${a[j]} AND s.fn < ${aAfter[j]} AND ${and(rest([i, j]))})`,
        order: BY_SURNAME,
        kind: 'name',
      });
    for (const [i, j] of pairs)
      tiers.push({
        pred: `(s.fn = ${a[j]} AND s.ln > ${a[i]} AND s.ln < ${aAfter[i]} AND ${and(rest([i, j]))})`,
        order: BY_FIRST,
        kind: 'name',
        firstNameOrder: true,
      });
    for (const [i, j] of pairs)
      tiers.push({
        pred: `(s.ln > ${a[i]} AND s.ln < ${aAfter[i]} AND s.fn > ${a[j]} AND s.fn < ${aAfter[j]} AND ${and(rest([i, j]))})`,
        order: BY_SURNAME,
        kind: 'name',
      });
    if (k === 1) {
      tiers.push({ pred: `(s.ln = ${a[0]})`, order: BY_SURNAME, kind: 'name' });
      tiers.push({ pred: `(s.ln > ${a[0]} AND s.ln < ${aAfter[0]})`, order: BY_SURNAME, kind: 'name' });
      tiers.push({ pred: `(s.fn = ${a[0]})`, order: BY_FIRST, kind: 'name', firstNameOrder: true });
      tiers.push({
        pred: `(s.fn > ${a[0]} AND s.fn < ${aAfter[0]})`,
        order: BY_FIRST,
        kind: 'name',
        firstNameOrder: true,
      });
    }
    // W: every word starts a name word, one of them a middle or second name (the exact tiers took
    // the rest). One word: its middle-name token, then (S, last) its substrings. Several: the names
    // holding all the words as substrings (trigrams: "abdoulie drammeh", far fewer candidates than
    // every Abdoulie), word starts first named as names, the rest as text; no separate S tier.
    const longWords = words.filter((t) => t.length >= 3);
    const substrings = `(${and(words.map((t) => `instr(s.nm, ${bind(t)}) > 0`))})`;
    const trigrams = {
      table: 'patient_search_trigrams',
      match: longWords.map(phrase).join(' AND '),
    } as const;
    // With several words, sounding alike (F) comes before the middle names and substrings (W):
    // "aminnate kanteh" is far more likely a misspelt Aminata Kanteh than a middle name.
    const middle = () => {
      if (k > 1 && longWords.length > 0)
        tiers.push({
          pred: substrings,
          fts: trigrams,
          order: BY_SURNAME,
          kind: `CASE WHEN ${and(wordStarts)} THEN 'name' ELSE 'text' END`,
        });
      else
        tiers.push({
          pred: `(${and(wordStarts)})`,
          fts: { table: 'patient_search_tokens', match: words.map((t) => `w${t}*`).join(' OR ') },
          order: BY_SURNAME,
          kind: 'name',
        });
    };
    if (k === 1) middle();
    // F: sounds alike.
    const surnameKey = (x: number) => `instr(' ' || s.lk || ' ', ${bind(` ${keys[x]} `)}) > 0`;
    const firstNameKey = (x: number) => `s.fk = ${bind(keys[x] as string)}`;
    const token = (prefix: string, x: number) => `${prefix}${(keys[x] as string).toLowerCase()}`;
    if (k === 1) {
      tiers.push({
        pred: `(${surnameKey(0)})`,
        fts: { table: 'patient_search_tokens', match: token('l', 0) },
        order: BY_SURNAME,
        kind: 'similar_name',
      });
      tiers.push({
        pred: `(${firstNameKey(0)})`,
        fts: { table: 'patient_search_tokens', match: token('f', 0) },
        order: BY_SURNAME,
        kind: 'similar_name',
      });
    } else {
      for (const [i, j] of pairs) {
        const others = words
          .map((_, x) => x)
          .filter((x) => x !== i && x !== j)
          .map(
            (x) =>
              `(${wordStarts[x]} OR instr(' ' || s.lk || ' ' || s.fk || ' ' || ifnull(s.mk, '') || ' ', ${bind(` ${keys[x]} `)}) > 0)`,
          );
        tiers.push({
          pred: `(${surnameKey(i)} AND ${firstNameKey(j)} AND ${and(others)})`,
          fts: { table: 'patient_search_tokens', match: `${token('l', i)} AND ${token('f', j)}` },
          order: BY_SURNAME,
          kind: 'similar_name',
        });
      }
    }
    if (k > 1) middle();
    // S: substrings of one word (trigrams need 3 characters; a shorter word has the prefix tiers).
    if (k === 1 && longWords.length > 0)
      tiers.push({ pred: substrings, fts: trigrams, order: BY_SURNAME, kind: 'text' });
    return tiers;
  }

  private run(
    tiers: Tier[],
    filters: string[],
    params: Record<string, string | number>,
    bind: (v: string | number) => string,
    page: { limit: number; offset: number },
  ): SearchHit[] {
    const out: SearchHit[] = [];
    let skip = page.offset;
    let need = page.limit;
    for (let t = 0; t < tiers.length && need > 0; t++) {
      const tier = tiers[t] as Tier;
      // coalesce: a predicate over a NULL column (no national id) is NULL, and NOT NULL would drop
      // the row from every later tier.
      const where = [
        tier.pred,
        ...filters,
        ...tiers.slice(0, t).map((e) => `NOT coalesce(${e.pred}, 0)`),
      ].join(' AND ');
      let from: string;
      let driver = '';
      let order = tier.order;
      if (tier.fts) {
        // The full-text tiers (a middle name, a sound-alike, a substring) look at the newest
        // FTS_CAP candidates at most, newest first: "mohamed jallow" sounds like thousands of
        // patients, and skipping the ones the exact tiers already showed must not mean reading
        // them all, nor sorting them. The exact and prefix tiers above stay complete, in name order.
        const { table, match } = tier.fts;
        from = `(SELECT rowid AS sid FROM ${table} WHERE ${table} MATCH ${bind(match)} ORDER BY rowid DESC LIMIT ${FTS_CAP}) f
          JOIN patient_search s ON s.sid = f.sid JOIN patients p ON p.id = s.patient_id AND ${ACTIVE}`;
        order = 'f.sid DESC';
      } else if (tier.byBirthDate || tier.byPatientIndex) {
        from = `patients p${tier.byBirthDate ? ' INDEXED BY patients_date_of_birth_idx' : ''} JOIN patient_search s ON s.patient_id = p.id`;
        driver = `${ACTIVE} AND `;
      } else {
        from = `patient_search s JOIN patients p ON p.id = s.patient_id AND ${ACTIVE}`;
        if (tier.sids) driver = `s.sid IN (${tier.sids}) AND `;
      }
      const kindSql = (x: Tier) => (x.kind.startsWith('CASE') ? x.kind : `'${x.kind}'`);
      let sql: string;
      if (tier.ranked) {
        // The tier number (and what a hit means) is computed once per candidate (MATERIALIZED keeps
        // the planner from copying the CASE into every use).
        const ranked = tier.ranked;
        const cases = ranked.map((r, x) => `WHEN ${r.pred} THEN ${x}`).join(' ');
        const kinds = ranked.map((r) => `WHEN ${r.pred} THEN ${kindSql(r)}`).join(' ');
        const firstOrder = ranked.map((r, x) => (r.firstNameOrder ? x : -1)).filter((x) => x >= 0);
        const byFirst = firstOrder.length ? `c.tier IN (${firstOrder.join(',')})` : '0';
        sql = `WITH c AS MATERIALIZED (SELECT p.id, s.ln, s.fn, s.sid, CASE ${cases} END AS tier,
            CASE ${kinds} END AS kind FROM ${from} WHERE ${driver}${where})
          SELECT c.id, c.kind FROM c
          ORDER BY c.tier, CASE WHEN ${byFirst} THEN c.fn ELSE c.ln END, CASE WHEN ${byFirst} THEN c.ln ELSE c.fn END, c.sid
          LIMIT @lim OFFSET @off`;
      } else {
        sql = `SELECT p.id, ${kindSql(tier)} AS kind FROM ${from} WHERE ${driver}${where} ORDER BY ${order} LIMIT @lim OFFSET @off`;
      }
      const rows = this.st(sql).all({ ...params, lim: need, off: skip }) as { id: string; kind: MatchKind }[];
      for (const r of rows) out.push({ id: r.id, match: r.kind });
      need -= rows.length;
      if (rows.length > 0) skip = 0;
      else if (skip > 0) {
        const c = this.st(
          `SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${driver}${where} LIMIT @off)`,
        ).get({
          ...params,
          off: skip,
        }) as { n: number };
        skip -= c.n;
      }
    }
    return out;
  }

  /**
   * Candidates for "is this person already registered?": same national id, same name keys and date
   * of birth (either name order: desks swap first and last names), same phone. Every lookup is an
   * index seek; at most 20, strongest first.
   */
  duplicates(r: {
    first_name: string;
    last_name: string;
    date_of_birth: string;
    phone?: string | null | undefined;
    national_id?: string | null | undefined;
  }): DuplicateHit[] {
    const phone = r.phone ? phoneCanon(r.phone) : null;
    const nid = idNorm(r.national_id);
    const allKeys = (s: string) => (fold(s) ?? '').split(' ').map(wordKey).join(' ');
    const sources = [
      `SELECT s2.sid FROM patients p2 JOIN patient_search s2 ON s2.patient_id = p2.id
        WHERE p2.date_of_birth = @dob AND ((s2.lk = @lk AND s2.fk = @fk) OR (s2.lk = @fkAll AND s2.fk = @lkFirst))`,
      phone &&
        'SELECT s2.sid FROM patients p2 JOIN patient_search s2 ON s2.patient_id = p2.id WHERE p2.phone = @phone',
      nid && 'SELECT rowid FROM patient_search_tokens WHERE patient_search_tokens MATCH @m',
    ].filter(Boolean);
    const rows = this.st(
      `SELECT p.id,
          s.nid IS NOT NULL AND s.nid = @nid AS same_nid,
          s.dob = @dob AND ((s.lk = @lk AND s.fk = @fk) OR (s.lk = @fkAll AND s.fk = @lkFirst)) AS same_person,
          p.phone IS NOT NULL AND p.phone = @phone AS same_phone
        FROM patient_search s JOIN patients p ON p.id = s.patient_id AND ${ACTIVE}
        WHERE s.sid IN (${sources.join(' UNION ')})
        ORDER BY same_nid DESC, same_person DESC, same_phone DESC, s.ln, s.fn LIMIT 20`,
    ).all({
      dob: r.date_of_birth,
      lk: allKeys(r.last_name),
      fk: firstKey(r.first_name),
      fkAll: allKeys(r.first_name),
      lkFirst: firstKey(r.last_name),
      phone,
      nid,
      m: nid ? `n${nid.toLowerCase()}` : null,
    }) as { id: string; same_nid: number; same_person: number; same_phone: number }[];
    return rows
      .map((x) => ({
        id: x.id,
        reasons: [
          ...(x.same_nid ? (['national_id'] as const) : []),
          ...(x.same_person ? (['name_and_birth_date'] as const) : []),
          ...(x.same_phone ? (['phone'] as const) : []),
        ],
      }))
      .filter((x) => x.reasons.length > 0);
  }
}
