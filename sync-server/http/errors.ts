/**
 * HTTP error shape shared by every route: JSON bodies, never a stack trace.
 *
 * - a body/params/query that fails its zod schema → 400 `{error: 'validation', issues: [{field, rule, message}]}`
 * - `HttpError` thrown by a handler → its status and `{error: code, message?}`
 * - anything else → 500 `{error: 'internal', message: 'internal error', request_id}` (details go to the log)
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { issuesFromZod, type ValidationIssue } from '../../db/primitives/index.ts';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? code);
    this.name = 'HttpError';
  }
}

export class ValidationError extends Error {
  readonly statusCode = 400;
  constructor(readonly issues: ValidationIssue[]) {
    super('validation failed');
    this.name = 'ValidationError';
  }
}

/** Parses `value` with `schema` or throws a `ValidationError` (→ 400). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(issuesFromZod(result.error, where));
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
    if (error instanceof ValidationError) {
      return reply.code(400).send({ error: 'validation', issues: error.issues });
    }
    if (error instanceof HttpError) {
      reply.headers(error.headers);
      return reply.code(error.statusCode).send({ error: error.code, message: error.message, ...error.extra });
    }
    const fe = error as FastifyError;
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
    if (status >= 400 && status < 500) {
      // Includes fastify's own JSON parser errors; `__proto__`/`constructor` poisoning lands here too.
      const code = (fe.code && FASTIFY_CLIENT_ERRORS[fe.code]) ?? 'bad_request';
      return reply.code(status).send({ error: code, message: safeClientMessage(fe) });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error', request_id: request.id });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found' }));
}

/** fastify's 4xx messages are safe to show (no stack, no internals); cut them short anyway. */
function safeClientMessage(error: FastifyError): string {
  return String(error.message ?? 'bad request').slice(0, 200);
}
