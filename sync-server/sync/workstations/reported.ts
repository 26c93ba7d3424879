/**
 * What each PC reports again and again but changes rarely, for the admin's list of workstations: the
 * app version in its heartbeat's header (`APP_VERSION_HEADER`), the sync schema it uploads with. A
 * PC beats every few seconds and uploads often; each value changes once per update. So this instance
 * remembers what it last wrote for each PC and asks nothing of Postgres in between (another instance
 * writing the same value changes nothing).
 */
import semver from 'semver';
import type { Database } from '../../platform/database.ts';

/** A version as a build names itself: semver, at most 64 characters. Anything else is ignored. */
export function appVersionOf(header: string | string[] | undefined): string | null {
  const v = Array.isArray(header) ? header[0] : header;
  return v && v.length <= 64 && semver.valid(v) ? v : null;
}

/** One column of `workstations`, written only when a PC reports a value other than the last one. */
export class ReportedColumn<T extends string | number> {
  private readonly known = new Map<string, T>();

  constructor(
    private readonly database: Pick<Database, 'query'>,
    private readonly column: 'app_version' | 'schema_version',
  ) {}

  async note(workstationId: string, value: T): Promise<void> {
    if (this.known.get(workstationId) === value) return;
    await this.database.query(
      `UPDATE workstations SET ${this.column} = $1 WHERE id = $2 AND ${this.column} IS DISTINCT FROM $1`,
      [value, workstationId],
    );
    this.known.set(workstationId, value);
  }
}
