/**
 * What a SQLite error from the local database means for the people at the PC. The core never dies of
 * one in a background task: it names the fault in its status (what it means, what to do), stops
 * what cannot work, keeps serving reads, and tries again on its own (space freed, disk back).
 */
import Database from 'better-sqlite3';

export type StorageFaultKind = 'full' | 'damaged' | 'readonly' | 'io';

export interface StorageFault {
  kind: StorageFaultKind;
  /** For the status bar and the log: no patient data, only what happened and what to do. */
  message: string;
}

export const STORAGE_MESSAGES: Record<StorageFaultKind, string> = {
  full:
    "This PC's disk is full: new work cannot be saved here and sync is paused. Work already saved is " +
    'kept. Ask IT to free disk space; the PC carries on by itself once there is room.',
  damaged:
    "This PC's local database is damaged: new work is not saved here. Work already sent to the server " +
    'is safe. Ask IT to move the damaged copy aside (npm run workstation -- --data <dir> --recover): the PC then ' +
    'downloads a fresh copy, keeping the damaged file and the unsent work it can still read.',
  readonly:
    "This PC's local database can only be read (no space or no permission to write): you can look " +
    'things up, but new work is not saved. Ask IT to free disk space or fix the folder, then restart.',
  io:
    'This PC could not read or write its local database (a disk error): new work may not be saved. ' +
    'The PC keeps trying; if this stays, ask IT to check the disk.',
};

const KIND_BY_CODE: [prefix: string, kind: StorageFaultKind][] = [
  ['SQLITE_FULL', 'full'],
  ['SQLITE_IOERR_NOMEM', 'io'],
  ['SQLITE_CORRUPT', 'damaged'],
  ['SQLITE_NOTADB', 'damaged'],
  ['SQLITE_READONLY', 'readonly'],
  ['SQLITE_CANTOPEN', 'io'],
  ['SQLITE_IOERR', 'io'],
];

/** The storage fault an error stands for, or null when it is not one (a bug, a constraint). */
export function storageFaultOf(err: unknown): StorageFault | null {
  const code = err instanceof Database.SqliteError ? err.code : (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  // A write that hits a full disk often surfaces as an I/O error on the journal or WAL file.
  const kind = /disk is full|no space/i.test(String((err as Error).message))
    ? 'full'
    : KIND_BY_CODE.find(([prefix]) => code.startsWith(prefix))?.[1];
  return kind ? { kind, message: STORAGE_MESSAGES[kind] } : null;
}

/** Thrown where the core refuses to write because the database is known to be faulty. */
export class StorageFaultError extends Error {
  constructor(readonly fault: StorageFault) {
    super(fault.message);
    this.name = 'StorageFaultError';
  }
}

/**
 * The local database's health as the core last saw it. Background tasks and writes report their
 * SQLite errors here and their successes: a full disk or an I/O error clears with the next write
 * that works; damage and a read-only start last until IT acts (they are not transient).
 */
export class StorageHealth {
  private current: StorageFault | null = null;

  constructor(
    private readonly onChange: (fault: StorageFault | null) => void = () => {},
    initial: StorageFault | null = null,
  ) {
    this.current = initial;
  }

  get fault(): StorageFault | null {
    return this.current;
  }

  /** Records `err` if it is a storage fault and returns it (null: not one, the caller handles it). */
  report(err: unknown): StorageFault | null {
    const fault = storageFaultOf(err);
    if (!fault) return null;
    // Damage outranks a full disk: once seen, it stays in the status until the database is replaced.
    if (this.current?.kind === 'damaged' || this.current?.kind === 'readonly') return this.current;
    if (this.current?.kind !== fault.kind) {
      this.current = fault;
      this.onChange(fault);
    }
    return fault;
  }

  /** A write to the database just worked: a full disk or an I/O error has passed. */
  wrote(): void {
    if (this.current && (this.current.kind === 'full' || this.current.kind === 'io')) {
      this.current = null;
      this.onChange(null);
    }
  }

  /** Marks the database damaged (found by an integrity check rather than by an error). */
  damaged(): void {
    if (this.current?.kind === 'damaged') return;
    this.current = { kind: 'damaged', message: STORAGE_MESSAGES.damaged };
    this.onChange(this.current);
  }

  /** The fault that refuses every write up front: damage or a read-only start (null: try the write). */
  writeBlock(): StorageFault | null {
    return this.current?.kind === 'damaged' || this.current?.kind === 'readonly' ? this.current : null;
  }
}
