/** Small key/value state of the workstation (`workstation_settings`). */
import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';

export class Settings {
  private readonly getStmt: Database.Statement<[string], { value: string }>;
  private readonly setStmt: Database.Statement<[string, string, string, string]>;

  constructor(sqlite: Database.Database) {
    this.getStmt = sqlite.prepare('SELECT value FROM workstation_settings WHERE key = ?');
    this.setStmt = sqlite.prepare(
      `INSERT INTO workstation_settings (id, created_at, key, value) VALUES (?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    );
  }

  get(key: string): string | null {
    return this.getStmt.get(key)?.value ?? null;
  }

  set(key: string, value: string): void {
    this.setStmt.run(uuidv7(), new Date().toISOString(), key, value);
  }

  getJson<T>(key: string): T | null {
    const v = this.get(key);
    if (v === null) return null;
    try {
      return JSON.parse(v) as T;
    } catch {
      return null;
    }
  }
}

export const SETTING = {
  workstationId: 'workstation_id',
  /** The sync server's base URL, remembered at enrolment. */
  server: 'server_url',
  token: 'workstation_token',
  code: 'workstation_code',
  kind: 'workstation_kind',
  scope: 'scope',
  hlc: 'hlc_high_water',
} as const;
