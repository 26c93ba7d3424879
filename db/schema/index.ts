/**
 * The data model: every table of the product, by name. Import tables from here; the per-dialect
 * modules (`pg.ts`, `sqlite.ts`) exist for drizzle-kit and the drivers.
 */
import * as accounts from './accounts.ts';
import * as billing from './billing.ts';
import * as clinical from './clinical.ts';
import * as communication from './communication.ts';
import type { AnyTableModel } from './dsl.ts';
import * as local from './local.ts';
import * as pharmacy from './pharmacy.ts';
import * as sync from './sync.ts';

export * from './accounts.ts';
export * from './billing.ts';
export * from './clinical.ts';
export * from './communication.ts';
export * from './local.ts';
export * from './pharmacy.ts';
export * from './sync.ts';

const isTable = (v: unknown): v is AnyTableModel =>
  typeof v === 'object' && v !== null && 'placement' in v && 'pg' in v && 'lite' in v;

/** All tables, in declaration order. */
export const allTables: readonly AnyTableModel[] = [
  accounts,
  clinical,
  pharmacy,
  billing,
  communication,
  sync,
  local,
]
  .flatMap((m) => Object.values(m))
  .filter(isTable);

export const tablesIn = (...placements: AnyTableModel['placement'][]) =>
  allTables.filter((t) => placements.includes(t.placement));

export const tableByName = (name: string): AnyTableModel | undefined =>
  allTables.find((t) => t.name === name);
