/**
 * What a window talks to: the workstation core once this PC is enrolled, and before that only the
 * first-run `setup` operations. Both hosts use it, the Electron utility process and the browser mode,
 * so the screens see one `window.hms` whatever carries it.
 */
import { EventEmitter } from 'node:events';
import { err, ok } from '../../db/primitives/index.ts';
import {
  type AppContract,
  appContract,
  type Envelope,
  type HmsEvents,
  type SetupState,
} from '../common/index.ts';
import { type Logger, silentLogger } from './logger.ts';
import { Registry } from './registry.ts';
import { Workstation, WorkstationError, type WorkstationOptions } from './workstation.ts';

/**
 * As the core's, but the key may come from a passphrase the user types (no OS secret store, or
 * `--passphrase`): then the host stays locked until `setup.unlock`. `enrollmentCode` enrols at start
 * (CLI, tests), else the first-run screen asks for it.
 */
export type HostOptions = Omit<WorkstationOptions, 'key'> & {
  key: string | { fromPassphrase: (passphrase: string) => string; firstTime: () => boolean };
};

type HostEvents = { [E in keyof HmsEvents]: [HmsEvents[E]] };

export class WorkstationHost {
  private workstation: Workstation | null = null;
  private enrolling = false;
  /** The database key, once known (at once, or after `setup.unlock`). */
  private key: string | null;
  private readonly setup: Registry<Pick<AppContract, 'setup'>>;
  private readonly emitter = new EventEmitter<HostEvents>();
  private readonly log: Logger;

  private constructor(private readonly opts: HostOptions) {
    this.log = opts.log ?? silentLogger;
    this.key = typeof opts.key === 'string' ? opts.key : null;
    this.setup = new Registry({ setup: appContract.setup }, () => null, this.log.child('setup'));
    this.setup.register('setup', {
      state: () => ok(this.state()),
      unlock: async ({ passphrase }) => {
        if (this.key !== null || typeof this.opts.key === 'string')
          return err('not_locked', "this PC's data is already open");
        const key = this.opts.key.fromPassphrase(passphrase);
        try {
          await this.startWith(key, this.opts.enrollmentCode);
        } catch (e) {
          if (/not a database|SQLITE_NOTADB/i.test(e instanceof Error ? e.message : String(e)))
            return err('wrong_passphrase', "that passphrase does not open this PC's data", {
              issues: [{ field: 'passphrase', rule: 'wrong', message: 'not the passphrase of this PC' }],
            });
          if (e instanceof WorkstationError) return err(e.code, e.message);
          throw e;
        }
        return ok(this.state());
      },
      enroll: async ({ server, code }) => {
        if (this.workstation || this.enrolling)
          return err('already_enrolled', 'this workstation is already enrolled');
        if (this.key === null) return err('locked', "unlock this PC's data with its passphrase first");
        this.enrolling = true;
        try {
          this.attach(await Workstation.start({ ...this.opts, key: this.key, server, enrollmentCode: code }));
          return ok(this.state());
        } catch (e) {
          if (e instanceof WorkstationError) return err(e.code, e.message);
          throw e;
        } finally {
          this.enrolling = false;
        }
      },
    });
  }

  /**
   * Opens the local database and starts the core when this PC is enrolled (or `enrollmentCode` is
   * given); an un-enrolled PC waits for `setup.enroll`. Any other failure (a wrong key, a refused
   * code) is thrown: the host cannot run.
   */
  static async open(opts: HostOptions): Promise<WorkstationHost> {
    const host = new WorkstationHost(opts);
    if (host.key !== null) await host.startWith(host.key, opts.enrollmentCode);
    return host;
  }

  /** Starts the core with `key`: an un-enrolled PC (no code) waits for `setup.enroll`, key kept. */
  private async startWith(key: string, enrollmentCode: string | undefined) {
    try {
      this.attach(
        await Workstation.start({ ...this.opts, key, ...(enrollmentCode ? { enrollmentCode } : {}) }),
      );
    } catch (e) {
      if (!(e instanceof WorkstationError && e.code === 'not_enrolled')) throw e;
    }
    this.key = key;
  }

  get core(): Workstation | null {
    return this.workstation;
  }

  state(): SetupState {
    const s = this.workstation?.status();
    const fromPassphrase = typeof this.opts.key === 'string' ? null : this.opts.key;
    return {
      locked: this.key === null,
      firstPassphrase: this.key === null && fromPassphrase !== null && fromPassphrase.firstTime(),
      enrolled: Boolean(s),
      server: this.workstation?.server ?? null,
      workstationCode: s?.code ?? null,
      kind: s?.kind ?? null,
    };
  }

  /** The one door for a window's calls (untrusted channel and arguments). */
  call(channel: unknown, args: unknown): Promise<Envelope<unknown>> {
    if (typeof channel === 'string' && channel.startsWith('setup.')) return this.setup.call(channel, args);
    if (this.key === null)
      return Promise.resolve(err('locked', "this PC's data is locked: enter its passphrase first"));
    if (!this.workstation)
      return Promise.resolve(
        err(
          'not_enrolled',
          'this workstation is not enrolled yet: enter the server address and enrolment code',
        ),
      );
    return this.workstation.call(channel, args);
  }

  on<E extends keyof HmsEvents>(event: E, listener: (payload: HmsEvents[E]) => void): () => void {
    const fn = listener as (payload: unknown) => void;
    this.emitter.on(event, fn as never);
    return () => this.emitter.off(event, fn as never);
  }

  async stop(): Promise<void> {
    this.emitter.removeAllListeners();
    await this.workstation?.stop();
  }

  private attach(ws: Workstation) {
    this.workstation = ws;
    ws.on('change', (tables) => this.emitter.emit('change', tables));
    ws.on('status', (s) => this.emitter.emit('status', s));
    this.emitter.emit('status', ws.status());
  }
}
