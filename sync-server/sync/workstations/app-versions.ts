/**
 * Which app version each PC runs, from the header of its heartbeat (`APP_VERSION_HEADER`): written
 * to `workstations.app_version` only when it changes. A PC beats every few seconds; the version
 * changes once per update, so this instance remembers what it last wrote for each PC and asks
 * nothing of Postgres in between (another instance writing the same value changes nothing).
 */
import semver from 'semver';
import type { Database } from '../../platform/database.ts';

/** A version as a build names itself: semver, at most 64 characters. Anything else is ignored. */
export function appVersionOf(header: string | string[] | undefined): string | null {
  const v = Array.isArray(header) ? header[0] : header;
  return v && v.length <= 64 && semver.valid(v) ? v : null;
}

export class AppVersions {
  private readonly known = new Map<string, string>();

  constructor(private readonly database: Pick<Database, 'query'>) {}

  async note(workstationId: string, header: string | string[] | undefined): Promise<void> {
    const version = appVersionOf(header);
    if (!version || this.known.get(workstationId) === version) return;
    await this.database.query(
      'UPDATE workstations SET app_version = $1 WHERE id = $2 AND app_version IS DISTINCT FROM $1',
      [version, workstationId],
    );
    this.known.set(workstationId, version);
  }
}
