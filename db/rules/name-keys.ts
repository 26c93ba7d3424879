/**
 * How names, phone numbers and identifiers are compared when someone searches for a patient or the
 * registration desk looks for duplicates: folded text (lower case, no accents or apostrophes) and a
 * phonetic key per name word, so the spellings registration desks produce meet ("Mohamed" and
 * "Muhammad" → MHMT; "Otieno" and "Ottieno" → ATN; "Diallo" and "Jallow" → JL).
 *
 * The key is Double Metaphone's primary code (the `double-metaphone` package) after a small
 * West-African pre-pass (French "Dj"/"Di"+vowel are an English "J"). Known misses: "Ebrima" and
 * "Ibrahima" differ (APRM / APRHM); very short names share codes widely (Sowe, Sow and Sey are all S),
 * which is why the search shows phonetic matches only after exact and prefix ones.
 *
 * Pure functions: the workstation registers them as SQLite functions for the search index's
 * triggers, and calls them directly for the query side, so both sides fold text the same way.
 */
import { doubleMetaphone } from 'double-metaphone';

/** Lower case, accents off, apostrophes dropped, any other run of non-[a-z0-9] one space; null when empty. */
export function fold(s: string | null | undefined): string | null {
  if (s == null) return null;
  const out = s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['\u2019`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return out === '' ? null : out;
}

const westAfrican = (word: string) => word.replace(/^dj/, 'j').replace(/^di(?=[aeou])/, 'j');

// The name vocabulary of a hospital is small: a cache makes the key a map lookup after warm-up.
const keyCache = new Map<string, string>();
const KEY_CACHE_MAX = 50_000;

/** The phonetic key of one folded word (a word with digits is its own key). */
export function wordKey(word: string): string {
  let k = keyCache.get(word);
  if (k === undefined) {
    k = /^[a-z]+$/.test(word) ? doubleMetaphone(westAfrican(word))[0] || word : word;
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    keyCache.set(word, k);
  }
  return k;
}

/** The key of every word of a name, space-separated ("Mam Jarra" → "MM JR"); null when empty. */
export function nameKey(s: string | null | undefined): string | null {
  const f = fold(s);
  return f === null ? null : f.split(' ').map(wordKey).join(' ');
}

/** The key of a name's first word only (what desks type of a first name). */
export function firstKey(s: string | null | undefined): string | null {
  const f = fold(s);
  return f === null ? null : wordKey(f.split(' ')[0] as string);
}

export const digits = (s: string | null | undefined): string | null => {
  const d = s?.replace(/\D+/g, '') ?? '';
  return d === '' ? null : d;
};

/** A national id compared without spaces, dashes or case. */
export const idNorm = (s: string | null | undefined): string | null => {
  const d = s?.toUpperCase().replace(/[^A-Z0-9]+/g, '') ?? '';
  return d === '' ? null : d;
};

/**
 * A patient's identifiers as one text for substring search: the MRN and national id without spaces,
 * dashes or case, the phone as digits. The bars keep a fragment from matching across two of them.
 */
export const identifierText = (
  mrn: string | null | undefined,
  phone: string | null | undefined,
  nationalId: string | null | undefined,
): string => [idNorm(mrn), digits(phone), idNorm(nationalId)].filter((x) => x !== null).join(' | ');

/** The trailing serial of an MRN: `P-R1A2-000123` → `000123`. */
export const mrnSerial = (s: string | null | undefined): string | null =>
  s == null ? null : (/(\d+)\s*$/.exec(s)?.[1] ?? null);

/**
 * Country calling codes the hospital's patients have, the hospital's own first (The Gambia for the
 * demo hospital). A number typed without one is taken to be local.
 */
export const COUNTRY_CODES = ['220', '221', '224', '232', '233', '234', '254', '44', '46', '49'] as const;

/**
 * A typed phone number, or the start of one, in the stored form `+CCC NNNNNNN`: `7012` → `+220 7012`,
 * `00221 77` → `+221 77`, `2207012345` → `+220 7012345`. Null when it holds no digits.
 */
export function phoneCanon(raw: string): string | null {
  const d = digits(raw);
  if (!d) return null;
  const intl = /^\s*(\+|00)/.test(raw);
  const body = intl && raw.trim().startsWith('00') ? d.slice(2) : d;
  if (intl || body.length > 7) {
    const cc = COUNTRY_CODES.find((c) => body.startsWith(c));
    if (cc) return `+${cc} ${body.slice(cc.length)}`.trimEnd();
    if (intl) return `+${body}`;
  }
  return `+${COUNTRY_CODES[0]} ${body}`;
}
