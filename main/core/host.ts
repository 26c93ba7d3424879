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

/** As the core's; `enrollmentCode` enrols at start (CLI, tests), else the first-run screen asks for it. */
export type HostOptions = WorkstationOptions;

type HostEvents = { [E in keyof HmsEvents]: [HmsEvents[E]] };

export class WorkstationHost {
  private workstation: Workstation | null = null;
  private enrolling = false;
  private readonly setup: Registry<Pick<AppContract, 'setup'>>;
  private readonly emitter = new EventEmitter<HostEvents>();
  private readonly log: Logger;

  private constructor(private readonly opts: HostOptions) {
    this.log = opts.log ?? silentLogger;
    this.setup = new Registry({ setup: appContract.setup }, () => null, this.log.child('setup'));
    this.setup.register('setup', {
      state: () => ok(this.state()),
      enroll: async ({ server, code }) => {
        if (this.workstation || this.enrolling)
          return err('already_enrolled', 'this workstation is already enrolled');
        this.enrolling = true;
        try {
          this.attach(await Workstation.start({ ...this.opts, server, enrollmentCode: code }));
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
    try {
      host.attach(await Workstation.start(opts));
    } catch (e) {
      if (!(e instanceof WorkstationError && e.code === 'not_enrolled')) throw e;
    }
    return host;
  }

  get core(): Workstation | null {
    return this.workstation;
  }

  state(): SetupState {
    const s = this.workstation?.status();
    return {
      enrolled: Boolean(s),
      server: this.workstation?.server ?? null,
      workstationCode: s?.code ?? null,
      kind: s?.kind ?? null,
    };
  }

  /** The one door for a window's calls (untrusted channel and arguments). */
  call(channel: unknown, args: unknown): Promise<Envelope<unknown>> {
    if (typeof channel === 'string' && channel.startsWith('setup.')) return this.setup.call(channel, args);
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
