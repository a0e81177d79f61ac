// GET /api/v1/channels/whatsapp: the connection state for admins; while pairing, the QR payload and the same QR
// code as an SVG image (`qrSvg`) that a console can show as is.
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import QRCode from 'qrcode';
import type { WhatsAppStatus } from './connection.ts';

export function registerWhatsAppStatusRoute(
  app: FastifyInstance,
  options: { status: () => WhatsAppStatus; authorize: preHandlerAsyncHookHandler },
): void {
  app.get('/api/v1/channels/whatsapp', { preHandler: options.authorize }, async (_request, reply) => {
    const status = options.status();
    const qrSvg = status.qr ? await QRCode.toString(status.qr, { type: 'svg', margin: 1 }) : null;
    return reply.header('cache-control', 'no-store').send({ ...status, qrSvg });
  });
}
