/** Migration folders cut short, to build a database as an older release left it (style rule 22). */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A copy of a migrations folder whose journal keeps only the entries `keep` accepts. */
export function migrationsWhere(
  folder: string,
  keep: (entry: { tag: string }, index: number) => boolean,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'hms-migrations-'));
  made.push(dir);
  cpSync(folder, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.filter(keep);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

/** Removes the copies (call from `afterAll`). */
export function removeMigrationCopies(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}
