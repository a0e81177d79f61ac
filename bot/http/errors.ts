// One error shape for the whole HTTP API: {"error":{"code","message","field"?}} with the status the code implies.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDomainError, type ErrorCode } from '../../contacts/index.ts';

export const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  IDENTIFIER_TAKEN: 409,
  IDENTIFIERS_CONFLICT: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
};

export interface ErrorBody {
  error: { code: string; message: string; field?: string; details?: Record<string, unknown> };
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/** Maps any thrown error to the status and body the API answers with (pure, so it can be tested alone). */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (isDomainError(error)) {
    const details = error.details && error.code !== 'VALIDATION_FAILED' ? { details: error.details } : {};
    return {
      status: STATUS[error.code] ?? 400,
      body: {
        error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}), ...details },
      },
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0]!;
    const field = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const where = (error as { validationContext?: string }).validationContext;
    return {
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: `${field || where || 'request'}: ${first.message}`,
          ...(field ? { field } : {}),
        },
      },
    };
  }
  const e = error as Partial<FastifyError>;
  const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
  if (status >= 500)
    return { status, body: { error: { code: 'INTERNAL_ERROR', message: 'something went wrong on our side' } } };
  return {
    status,
    body: { error: { code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST', message: e.message ?? 'bad request' } },
  };
}

/**
 * Fastify's option `frameworkErrors`: errors its router raises before any route or error handler runs (a path
 * parameter past maxParamLength → 414, a malformed URL → 400) answer in the same shape as every other error.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorResponse(error);
  request.log.info({ code: body.error.code, status }, 'request refused');
  void reply.status(status).send(body);
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.error.code, status }, 'request refused');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );
}
