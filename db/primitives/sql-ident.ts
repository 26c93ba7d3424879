/**
 * A SQL identifier, double-quoted (the same in Postgres and SQLite). Every hand-built statement
 * quotes table and column names through this, so a name can never end a string or a statement.
 */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
