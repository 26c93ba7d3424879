/**
 * The one door into the workstation core (DESIGN §2, style rule 12): every call from the UI — over
 * Electron IPC or the browser mode's WebSocket — names an operation of the contract
 * (main/common), and the registry validates its arguments with the contract's zod schema, makes sure
 * someone is logged in where the operation needs it, runs the domain's handler as that user, and
 * answers the envelope. Nothing throws across it; an unexpected error is logged (without the
 * arguments, which may hold patient data) and answered as `internal`.
 */
import { err, issuesFromZod } from '../../db/primitives/index.ts';
import {
  type ApiOf,
  clientOf,
  type Domain,
  type Envelope,
  type Operation,
  type ParsedArgsOf,
  type ResultOf,
} from '../common/contract.ts';
import type { SessionUser } from '../common/session.ts';
import type { Logger } from './logger.ts';
import type { StorageHealth } from './store/storage-fault.ts';

/** What a handler knows about its call. */
export interface CallContext {
  /** The logged-in user; never null for operations with `user` access. */
  user: SessionUser;
}

export interface PublicCallContext {
  user: SessionUser | null;
}

export type Handler<O> =
  O extends Operation<infer _A, infer _R>
    ? (
        args: ParsedArgsOf<O>,
        ctx: O['access'] extends 'public' ? PublicCallContext : CallContext,
      ) => Envelope<ResultOf<O>> | Promise<Envelope<ResultOf<O>>>
    : never;

export type DomainHandlers<D extends Domain> = { [M in keyof D]: Handler<D[M]> };

type AnyHandler = (args: unknown, ctx: PublicCallContext) => Envelope<unknown> | Promise<Envelope<unknown>>;

export class Registry<C extends Readonly<Record<string, Domain>>> {
  private readonly handlers = new Map<string, { op: Operation; fn: AnyHandler }>();

  constructor(
    private readonly contract: C,
    private readonly currentUser: () => SessionUser | null,
    private readonly log: Logger,
    /** A handler that died of the local disk (full, damaged) answers what that means, not "internal". */
    private readonly storage?: StorageHealth,
  ) {}

  /** Adds a domain's handlers: exactly the operations its contract declares, each once. */
  register<D extends keyof C & string>(domain: D, handlers: DomainHandlers<C[D]>): void {
    const ops = this.contract[domain] as Domain;
    for (const name of Object.keys(handlers)) {
      if (!(name in ops)) throw new Error(`${domain}.${name} is not in the contract`);
    }
    for (const [name, op] of Object.entries(ops)) {
      const channel = `${domain}.${name}`;
      if (this.handlers.has(channel)) throw new Error(`${channel} is registered twice`);
      const fn = (handlers as Record<string, AnyHandler | undefined>)[name];
      if (typeof fn !== 'function') throw new Error(`${channel} has no handler`);
      this.handlers.set(channel, { op, fn });
    }
  }

  /** Throws unless every operation of the contract has a handler. */
  assertComplete(): void {
    const missing = this.channels().filter((c) => !this.handlers.has(c));
    if (missing.length) throw new Error(`operations without a handler: ${missing.join(', ')}`);
  }

  /** Every channel the contract declares. */
  channels(): string[] {
    return Object.entries(this.contract).flatMap(([d, ops]) => Object.keys(ops).map((m) => `${d}.${m}`));
  }

  /** The door: one call by channel name, with arguments as they arrived (untrusted). */
  async call(channel: unknown, args: unknown): Promise<Envelope<unknown>> {
    const entry = typeof channel === 'string' ? this.handlers.get(channel) : undefined;
    if (!entry) return err('unknown_operation', `there is no operation "${String(channel).slice(0, 100)}"`);
    const parsed = entry.op.args.safeParse(args ?? {});
    if (!parsed.success) {
      const issues = issuesFromZod(parsed.error);
      return err('invalid_arguments', issues.map((i) => i.message).join('; ') || 'invalid arguments', {
        issues,
      });
    }
    const user = this.currentUser();
    if (entry.op.access === 'user' && !user) return err('not_logged_in', 'log in first');
    try {
      return await entry.fn(parsed.data, { user });
    } catch (e) {
      const fault = this.storage?.report(e);
      if (fault) return err('storage', fault.message);
      this.log.error('operation failed', {
        channel: String(channel),
        error: e instanceof Error ? e.message : String(e),
      });
      return err('internal', 'something went wrong on this workstation; the change was not saved');
    }
  }

  /** The typed client of the contract, calling through the door (tests, the hosts). */
  api(): ApiOf<C> {
    return clientOf(this.contract, (channel, args) => this.call(channel, args));
  }
}
