/**
 * The boxes of a refused write's edit-and-retry form, from the column's kind in the schema (a yes/no
 * is a checkbox, a closed list a select, a date a date box), and the refusal's reason put next to the
 * field it names. Pure: the screen (QuarantineScreen.tsx) only draws what these answer.
 */
import type { ColumnMeta } from '../../../../db/schema/dsl.ts';
import { tableByName } from '../../../../db/schema/index.ts';
import { choiceLabel, fieldLabel, inSentence, sentence, words } from '../../lib/labels.ts';

export type Box =
  | { kind: 'check' }
  | { kind: 'choice'; options: { value: string; label: string }[] }
  | { kind: 'date' }
  | { kind: 'datetime' }
  | { kind: 'number' }
  | { kind: 'json' }
  /** A record's id: shown, kept as sent (no one corrects a write by typing an id). */
  | { kind: 'id' }
  | { kind: 'text'; long: boolean };

const LONG_TEXT = 60;

/** The box for one field of `table`, by its column (or by the value, for a column the schema lacks). */
export function boxFor(table: string, field: string, value: unknown): Box {
  const col: ColumnMeta | undefined = tableByName(table)?.columns[field];
  const kind =
    col?.kind ?? (typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? 'real' : 'text');
  if (col?.enumValues)
    return {
      kind: 'choice',
      options: [
        ...(col.notNull ? [] : [{ value: '', label: 'Not given' }]),
        ...col.enumValues.map((v) => ({ value: v, label: choiceLabel(v) })),
      ],
    };
  switch (kind) {
    case 'bool':
      return { kind: 'check' };
    case 'date':
      return { kind: 'date' };
    case 'timestamp':
      return { kind: 'datetime' };
    case 'int':
    case 'bigint':
    case 'money':
    case 'real':
      return { kind: 'number' };
    case 'json':
      return { kind: 'json' };
    case 'uuid':
      return { kind: 'id' };
    default:
      return { kind: 'text', long: typeof value === 'string' && value.length > LONG_TEXT };
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A stored value as its box holds it: a checkbox a boolean, every other box a string ('' for nothing). */
export function toBox(box: Box, value: unknown): string | boolean {
  if (box.kind === 'check') return value === true;
  if (value === null || value === undefined) return '';
  if (box.kind === 'datetime' && typeof value === 'string') {
    // A datetime-local box shows the PC's own time, to the minute.
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) return value;
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }
  if (box.kind === 'date' && typeof value === 'string') return value.slice(0, 10);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** What a box holds, as the value to send: an empty box is "not given" (null). */
export function fromBox(box: Box, held: string | boolean): unknown {
  if (typeof held === 'boolean') return held;
  if (held.trim() === '') return null;
  switch (box.kind) {
    case 'number': {
      const n = Number(held);
      // Sent as typed when it is not a number: the core refuses it, naming the field.
      return Number.isFinite(n) ? n : held;
    }
    case 'datetime': {
      const d = new Date(held);
      return Number.isNaN(d.getTime()) ? held : d.toISOString();
    }
    case 'json':
      try {
        return JSON.parse(held);
      } catch {
        return held;
      }
    default:
      return held;
  }
}

/** Prefixes of the server's refusals (sync-server/sync/mutations/batch-applier.ts). */
const PREFIX =
  /^(invalid|not allowed|cannot merge|rejected by the database|outside this workstation's scope): /;

/**
 * What a refusal says about each of `fields` it names (the whole reason stays shown over the form).
 * The server names a field as
 * `field: message (rule)` (a broken format or row rule), as `table.field` (the policy: who may set
 * it; the PC's scope) or inside a constraint's name (`patients_mrn_key`: a duplicate). A field named
 * in words gets its sentence with the column spelled as its label.
 */
export function reasonByField(
  reason: string,
  table: string,
  fields: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  const known = new Set(fields);
  const add = (field: string, message: string) => {
    out[field] = out[field] ? `${out[field]}; ${message}` : message;
  };
  const prefix = reason.match(PREFIX)?.[1] ?? null;
  const body = prefix ? reason.slice(prefix.length + 2) : reason;
  for (const part of body.split('; ')) {
    const issue = part.match(/^([a-z0-9_]+): (.+?)(?: \([a-z0-9_]+\))?$/);
    if (issue?.[1] && issue[2] && known.has(issue[1])) {
      add(issue[1], issue[2]);
      continue;
    }
    const named = [...part.matchAll(new RegExp(`\\b${table}\\.([a-z0-9_]+)`, 'g'))]
      .map((m) => m[1] as string)
      .filter((f) => known.has(f));
    if (named.length) {
      for (const f of named) add(f, spelled(part, table));
      continue;
    }
    const constraint = part.match(new RegExp(`\\(${table}_([a-z0-9_]+)_(key|check|fkey)\\)`));
    const columns = constraint?.[1] ? constraintColumns(constraint[1], known) : [];
    if (constraint && columns.length) {
      const said =
        constraint[2] === 'key'
          ? 'another record already has this value'
          : constraint[2] === 'fkey'
            ? 'refers to a record the server does not have'
            : 'not a value this field accepts';
      for (const f of columns) add(f, said);
    }
  }
  return out;
}

/** The fields a constraint's name joins with `_` (`first_name_last_name` → both), longest first. */
function constraintColumns(joined: string, known: ReadonlySet<string>): string[] {
  const found: string[] = [];
  let rest = joined;
  while (rest) {
    const f = [...known]
      .filter((k) => rest === k || rest.startsWith(`${k}_`))
      .sort((a, b) => b.length - a.length)[0];
    if (!f) return [];
    found.push(f);
    rest = rest.slice(f.length + 1);
  }
  return found;
}

/**
 * A refusal as a person reads it: the fields it names by their labels, other names in words
 * ("lab_technician" → "lab technician"), opening with a capital. The server's own words are kept
 * otherwise: they are what an admin quotes when asking about it.
 */
export const reasonInWords = (reason: string, table: string): string => sentence(spelled(reason, table));

/** `table.field` as the field's label, and every other snake_case name as words. */
function spelled(text: string, table: string): string {
  return text
    .replace(new RegExp(`\\b${table}\\.([a-z0-9_]+)`, 'g'), (_, f: string) =>
      inSentence(fieldLabel(f, table)),
    )
    .replace(/\b[a-z]+(?:_[a-z0-9]+)+\b/g, (name) => words(name));
}

/** The fields of a write in the order of the table's columns (as its forms show them), unknown ones last. */
export function inColumnOrder(table: string, fields: readonly string[]): string[] {
  const order = Object.keys(tableByName(table)?.columns ?? {});
  const at = (f: string) => (order.includes(f) ? order.indexOf(f) : order.length);
  return [...fields].sort((a, b) => at(a) - at(b));
}
