/**
 * HTTP error shape shared by every route: JSON bodies, never a stack trace.
 *
 * - `HttpError` thrown by a handler → its status, headers and `{error: code, message, ...extra}`;
 * - a body/params/query that fails its zod schema is one of them (`validationError`): 400
 *   `{error: 'validation', issues: [{field, rule, message}]}`, no `message` (the issues say it all);
 * - anything else → 500 `{error: 'internal', message: 'internal error', request_id}` (details go to the log)
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { issuesFromZod, type ValidationIssue } from '../../db/primitives/index.ts';
import { loggableError } from '../platform/log.ts';

export class HttpError extends Error {
  /** False when the body leaves `message` out (constructed with `message: null`). */
  private readonly messageInBody: boolean;

  /**
   * `message` is the body's sentence (default: the code); `null` leaves it out of the body. `extra`
   * fields join the body, `headers` the answer.
   */
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message?: string | null,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? code);
    this.name = 'HttpError';
    this.messageInBody = message !== null;
  }

  /** The JSON body the error handler answers with. */
  body(): Record<string, unknown> {
    return { error: this.code, ...(this.messageInBody ? { message: this.message } : {}), ...this.extra };
  }
}

/** 400 `{error: 'validation', issues}`: input that failed its schema, each issue naming its field and rule. */
export const validationError = (issues: ValidationIssue[]) =>
  new HttpError(400, 'validation', null, { issues });

/** Parses `value` with `schema` or throws a `validationError` (→ 400). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(issuesFromZod(result.error, where));
  return result.data;
}

export const parseBody = <S extends z.ZodType>(schema: S, request: FastifyRequest) =>
  parseWith(schema, request.body ?? undefined);
export const parseParams = <S extends z.ZodType>(schema: S, request: FastifyRequest) =>
  parseWith(schema, request.params);
export const parseQuery = <S extends z.ZodType>(schema: S, request: FastifyRequest) =>
  parseWith(schema, request.query);

/** Request-level errors fastify raises itself (bad JSON, `__proto__`, too large, wrong content type). */
const FASTIFY_CLIENT_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
};

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof HttpError) {
      reply.headers(error.headers);
      return reply.code(error.statusCode).send(error.body());
    }
    const fe = error as FastifyError;
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
    if (status >= 400 && status < 500) {
      // Includes fastify's own JSON parser errors; `__proto__`/`constructor` poisoning lands here too.
      const code = (fe.code && FASTIFY_CLIENT_ERRORS[fe.code]) ?? 'bad_request';
      return reply.code(status).send({ error: code, message: safeClientMessage(fe) });
    }
    if (databaseUnavailable(error)) {
      request.log.warn({ error: loggableError(error) }, 'database unavailable');
      reply.header('retry-after', '5');
      return reply.code(503).send({
        error: 'database_unavailable',
        message: 'the database cannot be reached just now: try again shortly',
      });
    }
    request.log.error({ error: loggableError(error) }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error', request_id: request.id });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found' }));
}

/** fastify's 4xx messages are safe to show (no stack, no internals); cut them short anyway. */
function safeClientMessage(error: FastifyError): string {
  return String(error.message ?? 'bad request').slice(0, 200);
}

/**
 * A failure of the database's availability, not of the request: a refused or dropped connection,
 * a server shutting down or starting (SQLSTATE 08xxx, 57P0x). The client should come back (503).
 */
export function databaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)$/.test(code) || /^(08|57P0)/.test(code))
    )
      return true;
    const message = e instanceof Error ? e.message : '';
    if (/Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(message))
      return true;
  }
  return false;
}
