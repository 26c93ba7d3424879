/**
 * The one typed contract between the UI and the workstation core (DESIGN §2): every operation a
 * screen can call, by domain, with the zod schema of its arguments and the type of its result. Runs
 * anywhere (core, preload, renderer): it imports only zod and types.
 *
 * - The core's registry (main/core/registry.ts) validates every call against these schemas and runs
 *   the domain's handler as the logged-in user.
 * - The preload's `window.hms` and the browser mode's WebSocket bridge are typed as `Api`, derived
 *   from here, so a handler, its bridge and its callers cannot drift apart.
 * - Every call answers the envelope `{ok: true, value} | {ok: false, error}`; errors carry a sentence
 *   a clinician can read (`OperationError`).
 *
 * Adding an operation: one line in the domain's contract file (`main/common/<domain>.ts`), one handler
 * in `main/core/features/<domain>/`.
 */
import type { z } from 'zod';
import type { OperationError, Result } from '../../db/primitives/result.ts';

/** Who may call: `public` before anyone logs in (log-in, the status bar); `user` needs a log-in. */
export type Access = 'public' | 'user';

declare const RESULT: unique symbol;

export interface Operation<A extends z.ZodType = z.ZodType, R = unknown> {
  args: A;
  access: Access;
  /** Carries the result type only (never set at run time). */
  readonly [RESULT]?: R;
}

/** `op(ArgsSchema).returns<ResultType>()`: an operation's contract line. */
export const op = <A extends z.ZodType>(args: A, access: Access = 'user') => ({
  returns: <R>(): Operation<A, R> => ({ args, access }),
});

export type Domain = Readonly<Record<string, Operation>>;

export type ArgsOf<O> = O extends Operation<infer A, unknown> ? z.input<A> : never;
export type ParsedArgsOf<O> = O extends Operation<infer A, unknown> ? z.output<A> : never;
export type ResultOf<O> = O extends Operation<z.ZodType, infer R> ? R : never;

/** The envelope every call answers with. */
export type Envelope<T> = Result<T, OperationError>;

/** A callable operation: the argument may be left out when every field is optional. */
export type Call<O> =
  Record<string, never> extends ArgsOf<O>
    ? (args?: ArgsOf<O>) => Promise<Envelope<ResultOf<O>>>
    : (args: ArgsOf<O>) => Promise<Envelope<ResultOf<O>>>;

/** The client side of a contract: `api.patients.search({query})`. */
export type ApiOf<C extends Readonly<Record<string, Domain>>> = {
  [D in keyof C]: { [M in keyof C[D]]: Call<C[D][M]> };
};

/** Carries one call to wherever the handlers run (the registry, IPC, a WebSocket). */
export type Transport = (channel: string, args: unknown) => Promise<Envelope<unknown>>;

/**
 * The typed client of a contract over a transport: plain objects of plain functions, so Electron's
 * contextBridge can copy it into the page as it is.
 */
export function clientOf<C extends Readonly<Record<string, Domain>>>(contract: C, send: Transport): ApiOf<C> {
  const api: Record<string, Record<string, (args?: unknown) => Promise<Envelope<unknown>>>> = {};
  for (const [domain, ops] of Object.entries(contract)) {
    const calls: Record<string, (args?: unknown) => Promise<Envelope<unknown>>> = {};
    for (const name of Object.keys(ops)) calls[name] = (args?: unknown) => send(`${domain}.${name}`, args);
    api[domain] = calls;
  }
  return api as unknown as ApiOf<C>;
}

/** `domain.operation`, the name a call travels under (IPC channel, WebSocket message). */
export type ChannelOf<C extends Readonly<Record<string, Domain>>> = {
  [D in keyof C]: `${D & string}.${keyof C[D] & string}`;
}[keyof C];
