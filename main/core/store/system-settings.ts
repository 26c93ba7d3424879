/**
 * The hospital's settings as this PC holds them (`system_settings`, the public ones sync to every
 * PC). Read-only here: admins change them on the server.
 */
import type Database from 'better-sqlite3';

export class SystemSettings {
  private readonly getStmt: Database.Statement<[string], { value: string }>;

  constructor(sqlite: Database.Database) {
    this.getStmt = sqlite.prepare('SELECT value FROM system_settings WHERE key = ? AND deleted_at IS NULL');
  }

  /** A whole number setting, or `fallback` when absent or not a positive whole number. */
  positiveInt(key: string, fallback: number): number {
    const n = Number(this.getStmt.get(key)?.value);
    return Number.isInteger(n) && n > 0 ? n : fallback;
  }
}

export const SYSTEM_SETTING = {
  /** Idle minutes before a workstation's screen locks. */
  lockMinutes: 'security.session_minutes',
  /** Days an offline sign-in works after the user's last online one on this PC. */
  offlineLoginDays: 'security.offline_login_days',
} as const;

/** Until the hospital sets it: two weeks of outage, not a password that works offline forever. */
export const OFFLINE_LOGIN_DAYS_DEFAULT = 14;
