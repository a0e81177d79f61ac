// Rate limits for the public channel endpoints. @fastify/rate-limit's route hooks run only one limiter per request,
// so each check comes from its createRateLimit and the checks are combined as ordinary onRequest hooks.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

export interface LimitOptions {
  max: number;
  timeWindow: number;
  /** default: the client IP */
  keyGenerator?: (request: FastifyRequest) => string;
}

export type LimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/** Registers the plugin in `scope` (an encapsulated context) unless an outer one already did. */
export async function enableRateLimits(scope: FastifyInstance): Promise<void> {
  if (!scope.hasDecorator('createRateLimit')) await scope.register(rateLimit, { global: false });
}

/** An onRequest hook answering 429 RATE_LIMITED (with Retry-After) once the key is over its limit. */
export function limiter(scope: FastifyInstance, options: LimitOptions, logger: Logger): LimitHook {
  const check = scope.createRateLimit(options);
  return async (request, reply) => {
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return undefined;
    logger.warn({ route: request.routeOptions.url, ip: request.ip }, 'rate limit reached');
    return reply
      .code(429)
      .header('retry-after', String(result.ttlInSeconds))
      .send({ error: { code: 'RATE_LIMITED', message: `too many requests, retry in ${result.ttlInSeconds} s` } });
  };
}
