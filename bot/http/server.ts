// The HTTP server: Fastify, JSON, one error shape. Route modules register themselves here.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Database } from '../../prisma/index.ts';

export interface HttpDeps {
  db: Database;
  logger: Logger;
}

export async function createHttpServer(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger });

  app.get('/healthz', async (_req, reply) => {
    await deps.db.query('select 1');
    return reply.send({ status: 'ok', database: deps.db.kind });
  });

  return app;
}
