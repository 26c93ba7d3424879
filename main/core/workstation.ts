/**
 * The headless workstation core: local encrypted SQLite, units of work with an outbox, shape
 * consumption, the uploader, the session, and the operations of every domain behind one registry.
 * Plain Node (never imports electron): the Electron shell, the browser-mode server, the CLI and the
 * tests all start it here, handing in its key, enrolment code and options (it never reads the
 * environment).
 *
 * The UI reaches it only through `call(channel, args)` (the IPC door) or its typed twin `api`.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NUMBER_KIND_NAMES } from '../../db/numbers.ts';
import type { Row } from '../../db/primitives/index.ts';
import { WORKSTATION_KINDS, type WorkstationKind } from '../../db/schema/enums.ts';
import {
  APP_VERSION_HEADER,
  EnrollResponseSchema,
  errorBodyOf,
  type Scope,
  ScopeSchema,
  SYNC_SCHEMA_VERSION,
} from '../../db/sync-contract.ts';
import type { Envelope } from '../common/contract.ts';
import { type Api, contract } from '../common/index.ts';
import type { WorkstationStatus } from '../common/sync.ts';
import { adminHandlers } from './features/admin/handlers.ts';
import { patientHandlers } from './features/patients/handlers.ts';
import { PatientSearch } from './features/patients/search.ts';
import { sessionHandlers } from './features/session/handlers.ts';
import { openQueueCounts } from './features/sync/counts.ts';
import { syncHandlers } from './features/sync/handlers.ts';
import { DATABASE_FILE } from './key-file.ts';
import { type Logger, silentLogger } from './logger.ts';
import { Registry } from './registry.ts';
import { checkServerUrl, fetchTrusting } from './server-link.ts';
import { Session } from './session.ts';
import { applyKey, type LocalDatabase, openLocalDatabase } from './store/local-db.ts';
import { Outbox } from './store/outbox.ts';
import { PortableQueries } from './store/portable-queries.ts';
import { Reader } from './store/reader.ts';
import { Sequences } from './store/sequences.ts';
import { SETTING, Settings } from './store/settings.ts';
import { type StorageFault, StorageHealth } from './store/storage-fault.ts';
import { SystemSettings } from './store/system-settings.ts';
import { Writes } from './store/writes.ts';
import type { FetchLike } from './sync/fetch.ts';
import { HybridLogicalClock } from './sync/hlc.ts';
import { lastCaughtUpAt, tablesCaughtUp } from './sync/shape-apply.ts';
import { type ShapeEvent, ShapeSync } from './sync/shape-sync.ts';
import { Uploader, type UploaderEvent } from './sync/uploader.ts';

export type { WorkstationStatus };

export interface WorkstationOptions {
  /**
   * Base URL of the sync server, e.g. `http://10.0.0.2:8080`. Remembered at enrolment, so later starts
   * may leave it out; given again, it replaces the remembered one (IT moved the server).
   */
  server?: string;
  /** Directory holding `workstation.db`. */
  dataDir: string;
  /** The local database key (from the OS keychain in the app; from the CLI's key file when headless). */
  key: string;
  /** One-time enrolment code (first run only). */
  enrollmentCode?: string;
  fetch?: FetchLike;
  /** Diagnostics (never patient data). Default: silent. */
  log?: Logger;
  /** How often the server is probed for connectivity and scope changes (ms, default 3000). */
  heartbeatMs?: number;
  /**
   * The device's wall clock (ms since the epoch). Only tests set it, to play a PC whose clock is
   * hours off; merge order must not depend on it.
   */
  clock?: () => number;
  /** Per-request timeout of uploads (ms, default 10 000). */
  uploadTimeoutMs?: number;
  /** The SQLite migrations, where a bundled app keeps them (default: beside the sources). */
  migrationsDir?: string;
  /**
   * How often the whole database is checked for damage while the PC runs (ms, default a day; the
   * first check, a quicker one, runs a minute after start). On a second connection, so it sees the
   * file as it is on disk rather than this connection's cache; ~2 s (quick) to ~3.5 s (full) per
   * 140 MB, during which the core answers nothing else.
   */
  integrityCheckMs?: number;
  /** The hospital CA's PEM file, trusted for the sync server's HTTPS (besides the system's CAs). */
  serverCaFile?: string;
  /** Allow plain `http://` to a server that is not on this machine (IT's explicit choice). */
  insecure?: boolean;
  /** This build's version, told to the server with each heartbeat (the admin desk shows it). */
  appVersion?: string;
}

export interface WorkstationEvents {
  change: [tables: string[]];
  status: [status: WorkstationStatus];
}

export class WorkstationError extends Error {
  constructor(
    readonly code:
      | 'not_enrolled'
      | 'enrollment_failed'
      | 'revoked'
      | 'update_required'
      | 'timeout'
      | 'bad_server'
      | 'insecure_server',
    message: string,
  ) {
    super(message);
    this.name = 'WorkstationError';
  }
}

/** The first whole-file damage check, after the start has settled (see `integrityCheckMs`). */
const FIRST_INTEGRITY_CHECK_MS = 60_000;

export class Workstation {
  /** Units of work, for the domain handlers (and the sync engine's tests); the UI goes through `api`. */
  readonly writes: Writes;
  /** This PC's human-number sequences, drawn inside a unit of work. */
  readonly sequences: Sequences;
  readonly session: Session;
  readonly hlc: HybridLogicalClock;
  /** The operations of every domain, typed: `ws.api.patients.search({query: 'fatou'})`. */
  readonly api: Api;
  private readonly settings: Settings;
  private readonly reader: Reader;
  private readonly registry: Registry<typeof contract>;
  private readonly emitter = new EventEmitter<WorkstationEvents>();
  private readonly outbox: Outbox;
  private readonly shapes: ShapeSync;
  private readonly uploader: Uploader;
  private readonly log: Logger;
  /** The local database's health: background tasks report SQLite errors here instead of dying. */
  private readonly storage: StorageHealth;
  private heartbeat: NodeJS.Timeout | null = null;
  private integrityTimer: NodeJS.Timeout | null = null;
  private online = false;
  /** The last upload failed (network or server): "online" in the status means uploads work too. */
  private uploadFailing = false;
  private revoked = false;
  private updateRequired = false;
  /** Rows of each table in this PC's scope, from the server, while the first download runs. */
  private firstDownloadTotals: Record<string, number> | null = null;
  /**
   * What is failing now, by source (`upload`, `scope`, `shape:<table>`): each clears when that
   * source works again, so the status never shows an error that has passed.
   */
  private readonly errors = new Map<string, string>();
  private lastStatusJson = '';
  private statusScheduled = false;
  private stopped = false;
  private scopeTables: string[] = [];

  private constructor(
    private readonly local: LocalDatabase,
    /** The sync server's base URL. */
    readonly server: string,
    readonly workstationId: string,
    private readonly token: string,
    private readonly opts: WorkstationOptions,
  ) {
    const sqlite = local.sqlite;
    this.log = opts.log ?? silentLogger;
    this.storage = new StorageHealth((fault) => this.onStorage(fault), local.fault);
    this.settings = new Settings(sqlite);
    this.outbox = new Outbox(sqlite);
    this.reader = new Reader(sqlite);
    this.hlc = new HybridLogicalClock({
      node: workstationId,
      last: this.settings.get(SETTING.hlc),
      save: (h) => this.settings.set(SETTING.hlc, h),
      ...(opts.clock ? { wallClock: opts.clock } : {}),
    });
    this.session = new Session({
      sqlite,
      server,
      workstationToken: () => this.token,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      onChange: () => this.statusChanged(),
      onOnline: () => this.setOnline(true),
      storage: this.storage,
    });
    const clock = opts.clock;
    const now = clock ? () => new Date(clock()) : () => new Date();
    this.writes = new Writes({
      sqlite,
      hlc: this.hlc,
      outbox: this.outbox,
      now,
      storage: this.storage,
      actor: () => {
        const u = this.session.currentUser();
        return u ? { id: u.id, role: u.role } : null;
      },
      holds: () => this.holdings(),
      onCommit: (tables) => {
        this.emitter.emit('change', tables);
        this.uploader.kick();
        this.statusChanged();
      },
    });
    this.shapes = new ShapeSync({
      sqlite,
      outbox: this.outbox,
      url: `${server}/v1/shape`,
      token,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      onEvent: (e) => this.onShapeEvent(e),
      log: this.log.child('shapes'),
      storage: this.storage,
      onSeen: (at) => this.hlc.observe(Date.parse(at)),
    });
    this.uploader = new Uploader({
      sqlite,
      outbox: this.outbox,
      server,
      token,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      ...(opts.uploadTimeoutMs ? { timeoutMs: opts.uploadTimeoutMs } : {}),
      onEvent: (e) => this.onUploaderEvent(e),
      log: this.log.child('uploader'),
      storage: this.storage,
    });

    this.sequences = new Sequences(sqlite, () => this.settings.get(SETTING.code));
    const sequences = this.sequences;
    this.registry = new Registry(
      contract,
      // A locked screen gets nothing but the public operations (sign in, who may sign in).
      () => (this.session.isLocked() ? null : this.session.currentUser()),
      this.log.child('registry'),
      this.storage,
    );
    this.registry.register(
      'session',
      sessionHandlers({ session: this.session, settings: new SystemSettings(sqlite) }),
    );
    this.registry.register(
      'sync',
      syncHandlers({
        reader: this.reader,
        writes: this.writes,
        outbox: this.outbox,
        status: () => this.status(),
        syncNow: () => this.syncNow(),
      }),
    );
    this.registry.register(
      'patients',
      patientHandlers({
        queries: new PortableQueries(sqlite),
        reader: this.reader,
        writes: this.writes,
        sequences,
        search: new PatientSearch(sqlite),
        now,
        homeWard: () => {
          const scope = this.settings.getJson<Scope>(SETTING.scope);
          return scope?.kind === 'ward' ? scope.ward_id : null;
        },
        unsynced: (table, ids) => this.outbox.pendingRows(table, ids),
      }),
    );
    this.registry.register('admin', adminHandlers({ session: this.session }));
    this.registry.assertComplete();
    this.api = this.registry.api();
  }

  /** Opens (and on first run enrols) the workstation and starts syncing. */
  static async start(opts: WorkstationOptions): Promise<Workstation> {
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    const local = openLocalDatabase({
      path: join(opts.dataDir, DATABASE_FILE),
      key: opts.key,
      ...(opts.migrationsDir ? { migrationsDir: opts.migrationsDir } : {}),
    });
    try {
      const settings = new Settings(local.sqlite);
      const given = opts.server ?? settings.get(SETTING.server);
      if (!given)
        throw new WorkstationError(
          'not_enrolled',
          'this workstation is not enrolled: give the sync server address and the one-time enrolment code',
        );
      // Checked at every start, the remembered address too: nothing is sent in clear over the LAN.
      const checked = checkServerUrl(given, opts.insecure);
      if (!checked.ok)
        throw new WorkstationError(
          checked.error.code === 'insecure_server' ? 'insecure_server' : 'bad_server',
          checked.error.message,
        );
      const server = checked.value;
      if (opts.serverCaFile && !opts.fetch) opts = { ...opts, fetch: fetchTrusting(opts.serverCaFile) };
      let id = settings.get(SETTING.workstationId);
      let token = settings.get(SETTING.token);
      if (!id || !token) {
        if (!opts.enrollmentCode)
          throw new WorkstationError(
            'not_enrolled',
            'this workstation is not enrolled: give the one-time enrolment code',
          );
        const enrolled = await enroll(server, opts.enrollmentCode, opts.fetch);
        const sequences = new Sequences(local.sqlite, () => enrolled.code);
        local.sqlite.transaction(() => {
          settings.set(SETTING.workstationId, enrolled.workstation_id);
          settings.set(SETTING.token, enrolled.token);
          settings.set(SETTING.code, enrolled.code);
          settings.set(SETTING.kind, enrolled.kind);
          // A re-installed PC keeps its code: continue its numbers where the server saw them end.
          for (const kind of NUMBER_KIND_NAMES) {
            const used = enrolled.sequences?.[kind];
            if (used) sequences.raise(kind, used);
          }
        })();
        id = enrolled.workstation_id;
        token = enrolled.token;
      }
      if (settings.get(SETTING.server) !== server) settings.set(SETTING.server, server);
      const ws = new Workstation(local, server, id, token, opts);
      await ws.begin();
      return ws;
    } catch (e) {
      local.close();
      throw e;
    }
  }

  /** The IPC door: one call by channel name with untrusted arguments; answers the envelope. */
  call(channel: unknown, args: unknown): Promise<Envelope<unknown>> {
    return this.registry.call(channel, args);
  }

  /**
   * Where the shell's updater fetches desktop updates, with the device token the server asks of it
   * (issue 12). For the Electron shell only: never for a log or the screens.
   */
  updateFeed(): { server: string; token: string } {
    return { server: this.server, token: this.token };
  }

  private async begin() {
    const cached = this.settings.getJson<Scope>(SETTING.scope);
    if (cached) this.applyScope(cached);
    await this.probe();
    this.uploader.start();
    this.heartbeat = setInterval(() => void this.probe(), this.opts.heartbeatMs ?? 3_000);
    this.heartbeat.unref?.();
    this.integrityTimer = setTimeout(() => {
      this.checkIntegrity('quick');
      this.integrityTimer = setInterval(
        () => this.checkIntegrity(),
        this.opts.integrityCheckMs ?? 86_400_000,
      );
      this.integrityTimer.unref?.();
    }, FIRST_INTEGRITY_CHECK_MS);
    this.integrityTimer.unref?.();
    this.statusChanged();
  }

  /**
   * This PC's kind and the tables it holds, once enrolled: those with a shape position, which are
   * on disk (a PC started offline knows them) and leave with a re-scope.
   */
  private holdings(): { kind: WorkstationKind; tables: ReadonlySet<string> } | null {
    const kind = this.settings.get(SETTING.kind);
    if (!WORKSTATION_KINDS.some((k) => k === kind)) return null;
    const rows = this.local.sqlite.prepare('SELECT table_name FROM shape_positions').all() as {
      table_name: string;
    }[];
    return { kind: kind as WorkstationKind, tables: new Set(rows.map((r) => r.table_name)) };
  }

  /** Asks the server for the scope: proves connectivity, notices revocation and re-scoping. */
  private async probe(): Promise<void> {
    if (this.stopped || this.revoked) return;
    try {
      // The row counts for the first download's progress, asked once while it runs.
      const tables = this.shapes.tables();
      const askRows =
        this.firstDownloadTotals === null &&
        this.downloading(tables, tablesCaughtUp(this.local.sqlite, tables));
      const res = await (this.opts.fetch ?? fetch)(
        `${this.server}/api/sync/scope${askRows ? '?rows=1' : ''}`,
        {
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(this.opts.appVersion ? { [APP_VERSION_HEADER]: this.opts.appVersion } : {}),
          },
          signal: AbortSignal.timeout(3_000),
        },
      );
      if (res.status === 401) return this.markRevoked();
      if (!res.ok) {
        await res.body?.cancel();
        this.setOnline(true);
        return;
      }
      const parsed = ScopeSchema.safeParse(await res.json());
      if (!parsed.success) {
        this.setError('scope', 'the server sent a scope this build does not understand');
        return;
      }
      if (this.stopped) return;
      this.setError('scope', null);
      if (parsed.data.rows) this.firstDownloadTotals = parsed.data.rows;
      const { rows: _counts, ...scope } = parsed.data;
      this.remember(SETTING.scope, JSON.stringify(scope));
      this.applyScope(parsed.data);
      this.setOnline(true);
    } catch {
      this.setOnline(false);
    }
  }

  /** Saves a setting when it changed; a disk that cannot take it is reported, never thrown. */
  private remember(key: (typeof SETTING)[keyof typeof SETTING], value: string) {
    try {
      if (this.settings.get(key) !== value) this.settings.set(key, value);
    } catch (e) {
      if (!this.storage.report(e)) throw e;
    }
  }

  private onStorage(fault: StorageFault | null) {
    this.setError('storage', fault?.message ?? null);
    if (fault) this.log.error('local database fault', { kind: fault.kind });
    else this.log.info('local database writable again');
    this.statusChanged();
  }

  private applyScope(scope: Scope) {
    if (scope.schema_version !== SYNC_SCHEMA_VERSION) {
      if (!this.updateRequired) {
        this.updateRequired = true;
        this.log.warn('update required', { server: scope.schema_version, build: SYNC_SCHEMA_VERSION });
        void this.uploader.stop();
        this.statusChanged();
      }
    }
    const key = scope.tables.join(',');
    if (key === this.scopeTables.join(',')) return;
    this.scopeTables = [...scope.tables];
    const unknown = this.shapes.setTables(scope.tables);
    if (unknown.length)
      this.log.warn('scope tables unknown to this build, skipped', { tables: unknown.join(',') });
  }

  /**
   * Whether the server can be reached (the probe, the shapes). Only its coming back restarts the
   * streams and the uploads at once: failing uploads alone back off by themselves, and flipping
   * this on each of them restarted every stream dozens of times a second.
   */
  private setOnline(v: boolean) {
    if (this.online === v) return;
    this.online = v;
    if (v && !this.stopped && !this.revoked) {
      // Connectivity came back: reconnect at once rather than waiting out back-offs.
      this.shapes.refreshAll();
      this.uploader.nudge();
    }
    this.statusChanged();
  }

  private setUploadFailing(v: boolean) {
    if (this.uploadFailing === v) return;
    this.uploadFailing = v;
    this.statusChanged();
  }

  private onShapeEvent(e: ShapeEvent) {
    switch (e.type) {
      case 'batch':
        if (e.changed) this.emitter.emit('change', [e.table]);
        if (e.upToDate) this.setError(`shape:${e.table}`, null);
        if (e.changed || e.upToDate) this.statusChanged();
        return;
      case 'online':
        return this.setOnline(true);
      case 'offline':
        return this.setOnline(false);
      case 'revoked':
        return this.markRevoked();
      case 'error':
        this.setError(`shape:${e.table}`, `${e.table}: ${e.message}`);
        this.statusChanged();
        return;
    }
  }

  /** Records (or, with null, clears) what is failing in `source`; the newest shows in the status. */
  private setError(source: string, message: string | null) {
    this.errors.delete(source);
    if (message !== null) this.errors.set(source, message);
  }

  private onUploaderEvent(e: UploaderEvent) {
    switch (e.type) {
      case 'online':
        return;
      case 'offline':
        this.setError('upload', e.message);
        return this.setUploadFailing(true);
      case 'revoked':
        return this.markRevoked();
      case 'update_required':
        this.updateRequired = true;
        this.log.warn('the server requires a newer build: uploads paused, the outbox is kept');
        this.statusChanged();
        return;
      case 'acked':
        this.setError('upload', null);
        this.setUploadFailing(false);
        if (e.reverted.length) this.emitter.emit('change', e.reverted);
        this.statusChanged();
        return;
      case 'error':
        this.setError('upload', e.message);
        this.statusChanged();
        return;
    }
  }

  private markRevoked() {
    if (this.revoked) return;
    this.revoked = true;
    this.log.warn('the server refused this workstation token (revoked): sync stopped, local data kept');
    this.shapes.stop();
    void this.uploader.stop();
    this.statusChanged();
  }

  status(): WorkstationStatus {
    const queues = openQueueCounts(this.local.sqlite);
    const u = this.session.currentUser();
    const pending = this.outbox.pendingSummary();
    const tables = this.shapes.tables();
    const caughtUp = tablesCaughtUp(this.local.sqlite, tables);
    const done = caughtUp.size;
    const lastSyncAt = lastCaughtUpAt(this.local.sqlite);
    const downloading = this.downloading(tables, caughtUp);
    return {
      workstationId: this.workstationId,
      code: this.settings.get(SETTING.code),
      kind: this.settings.get(SETTING.kind),
      // Online: the server answers, and what is waiting to go up goes.
      online: this.online && !(this.uploadFailing && pending.count > 0),
      lastSyncAt,
      outboxPending: pending.count,
      oldestPendingAt: pending.oldestAt,
      openConflicts: queues.conflicts,
      // Refused here and not yet recorded back, plus the open records this PC holds.
      quarantined: this.outbox.refusedWithoutRecordCount() + queues.quarantined,
      revoked: this.revoked,
      updateRequired: this.updateRequired,
      tables,
      firstSync: downloading
        ? { tablesDone: done, tablesTotal: tables.length, ...this.rowProgress(tables, caughtUp) }
        : null,
      user: u ? { id: u.id, username: u.username, role: u.role, offline: u.offline } : null,
      storage: this.storage.fault,
      lastError: [...this.errors.values()].at(-1) ?? null,
    };
  }

  /**
   * Whether the first download is under way: some table has never caught up; with no tables, only
   * before anything ever arrived (a revoked or stopped PC has no streams but is not downloading).
   */
  private downloading(tables: readonly string[], caughtUp: ReadonlySet<string>): boolean {
    return tables.length > 0
      ? caughtUp.size < tables.length
      : lastCaughtUpAt(this.local.sqlite) === null && !this.revoked;
  }

  /**
   * Rows of the first download: what the server said this PC holds (asked once, `?rows=1`) against
   * what has arrived (a caught-up table counts whole; one under way, as its batches are stored).
   */
  private rowProgress(tables: readonly string[], caughtUp: ReadonlySet<string>) {
    const totals = this.firstDownloadTotals;
    if (!totals) return { rowsDone: null, rowsTotal: null };
    const arriving = this.shapes.firstDownloadRows();
    let rowsDone = 0;
    let rowsTotal = 0;
    for (const t of tables) {
      const total = totals[t] ?? 0;
      rowsTotal += total;
      rowsDone += caughtUp.has(t) ? total : Math.min(total, arriving.get(t) ?? 0);
    }
    return { rowsDone, rowsTotal };
  }

  /** Coalesces status recomputation; emits `status` only when something changed. */
  private statusChanged() {
    if (this.statusScheduled || this.stopped) return;
    this.statusScheduled = true;
    setImmediate(() => {
      this.statusScheduled = false;
      if (this.stopped) return;
      try {
        const s = this.status();
        const json = JSON.stringify(s);
        if (json === this.lastStatusJson) return;
        this.lastStatusJson = json;
        this.emitter.emit('status', s);
      } catch {
        // status is advisory
      }
    });
  }

  on<E extends keyof WorkstationEvents>(event: E, fn: (...args: WorkstationEvents[E]) => void): () => void {
    const safe = (...args: WorkstationEvents[E]) => {
      try {
        fn(...args);
      } catch {
        // a listener's failure never reaches sync
      }
    };
    this.emitter.on(event, safe as never);
    return () => this.emitter.off(event, safe as never);
  }

  /** One row of a synced table as the logged-in user may read it (null: absent, hidden, or no one logged in). */
  get(table: string, id: string): Row | null {
    const user = this.session.currentUser();
    return user ? this.reader.one(user, table, id, { withDeleted: true }) : null;
  }

  /** Uploads now and makes every shape catch up now (does not wait). */
  syncNow(): void {
    if (this.stopped) return;
    this.uploader.nudge();
    this.shapes.refreshAll();
    void this.probe();
  }

  /**
   * Resolves when the outbox is empty (every mutation acknowledged) and every shape has caught up
   * with the server since the call. Rejects when revoked, update-required or after `timeoutMs`.
   */
  async drain(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const remaining = () => deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const withTimeout = <T>(p: Promise<T>) =>
      Promise.race([
        p,
        new Promise<never>((_, reject) => {
          clearTimeout(timer);
          const t = setTimeout(
            () =>
              reject(
                new WorkstationError(
                  'timeout',
                  `drain timed out (online=${this.online}, stopped=${this.stopped})`,
                ),
              ),
            Math.max(0, remaining()),
          );
          t.unref?.();
          timer = t;
        }),
      ]);
    for (;;) {
      if (this.revoked) throw new WorkstationError('revoked', 'this workstation was revoked');
      if (this.updateRequired)
        throw new WorkstationError('update_required', 'this workstation must be updated');
      if (remaining() <= 0)
        throw new WorkstationError(
          'timeout',
          `drain timed out: ${this.outbox.pendingCount()} outbox entries pending`,
        );
      await withTimeout(this.uploader.runNow());
      if (this.outbox.pendingCount() > 0) {
        await withTimeout(new Promise((r) => setTimeout(r, 100)));
        continue;
      }
      await withTimeout(this.shapes.catchUp());
      if (this.outbox.pendingCount() === 0) {
        clearTimeout(timer);
        return;
      }
    }
  }

  /**
   * Reads every page of the database file for damage (`integrity_check`; `quick` skips checking
   * that indexes match their rows, about twice as fast). Damage found stops new writes and says
   * what to do in the status; uploads of what is already saved go on. Returns whether the file is
   * intact.
   */
  checkIntegrity(kind: 'quick' | 'full' = 'full'): boolean {
    if (this.stopped) return true;
    let result: string;
    try {
      const second = new Database(join(this.opts.dataDir, DATABASE_FILE), {
        readonly: true,
        fileMustExist: true,
      });
      try {
        applyKey(second, this.opts.key);
        result = String(
          second.pragma(kind === 'quick' ? 'quick_check' : 'integrity_check', { simple: true }),
        );
      } finally {
        second.close();
      }
    } catch (e) {
      if (this.storage.report(e)?.kind === 'damaged') return false;
      return true; // could not look (busy, no memory): the next check will
    }
    if (result === 'ok') return true;
    this.log.error('integrity check found damage', { lines: result.split('\n').length });
    this.storage.damaged();
    return false;
  }

  /** Graceful stop: streams ended, the upload in flight finished, the database closed. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.integrityTimer) clearTimeout(this.integrityTimer);
    this.shapes.stop();
    await this.uploader.stop();
    this.session.logout();
    this.emitter.removeAllListeners();
    this.local.close();
  }
}

async function enroll(server: string, code: string, f?: FetchLike) {
  let res: Response;
  try {
    res = await (f ?? fetch)(`${server}/api/workstations/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: code.trim() }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    throw new WorkstationError(
      'enrollment_failed',
      `cannot reach the sync server at ${server} to enrol: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const body = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const err = errorBodyOf(body);
    throw new WorkstationError(
      'enrollment_failed',
      `enrolment refused (HTTP ${res.status}): ${err?.message ?? err?.error ?? 'unknown error'}`,
    );
  }
  const parsed = EnrollResponseSchema.safeParse(body);
  if (!parsed.success)
    throw new WorkstationError('enrollment_failed', 'the server sent an unexpected enrolment answer');
  return parsed.data;
}

/** Starts a workstation (see `Workstation.start`). */
export const startWorkstation = (opts: WorkstationOptions): Promise<Workstation> => Workstation.start(opts);
