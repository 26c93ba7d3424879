/**
 * Prepared statements by SQL text: each is compiled once per connection and reused (preparing costs
 * more than running the short statements the core issues, and search needs many shapes of query).
 * The SQL is built by the core from column and table names it knows, never from input, so the cache
 * holds a bounded set of texts.
 */
import type Database from 'better-sqlite3';

export class Statements {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly sqlite: Database.Database) {}

  get(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }
}
