/**
 * Values computed from a patient's rows, as SQL expressions to place in a select list:
 * - BMI = weight (kg) / height (m)², to one decimal, half up; null without both measurements;
 * - age in whole years on a reference date (YYYY-MM-DD), from the date of birth.
 */
import { type SQL, sql } from 'drizzle-orm';

/** BMI of the vitals row under `alias` (needs `height_cm` and `weight_kg`). */
export function bmiSql(alias: string): SQL {
  const h = sql.raw(`${alias}."height_cm"`);
  const w = sql.raw(`${alias}."weight_kg"`);
  return sql`CASE WHEN ${h} > 0 AND ${w} > 0
    THEN floor(${w} * 100000.0 / (${h} * ${h}) + 0.5) / 10.0 END`;
}

/** Age in whole years on `onDate` of the date of birth in `dobColumn` (e.g. `p."date_of_birth"`). */
export function ageSql(dobColumn: SQL, onDate: string): SQL {
  const dob = sql`CAST(${dobColumn} AS TEXT)`;
  const on = sql`CAST(${onDate} AS TEXT)`;
  return sql`(CAST(substr(${on}, 1, 4) AS INTEGER) - CAST(substr(${dob}, 1, 4) AS INTEGER)
    - CASE WHEN substr(${on}, 6, 5) < substr(${dob}, 6, 5) THEN 1 ELSE 0 END)`;
}
