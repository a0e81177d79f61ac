// GET /api/v1/channels/whatsapp: the connection state (and the pairing QR while pairing), for admins.
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { WhatsAppStatus } from './connection.ts';

export function registerWhatsAppStatusRoute(
  app: FastifyInstance,
  options: { status: () => WhatsAppStatus; authorize: preHandlerAsyncHookHandler },
): void {
  app.get('/api/v1/channels/whatsapp', { preHandler: options.authorize }, async (_request, reply) =>
    reply.header('cache-control', 'no-store').send(options.status()),
  );
}
