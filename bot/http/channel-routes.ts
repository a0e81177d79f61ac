// Mounts the channels' routes on Baton's HTTP server (a ROOT_ROUTES module of bot/http/server.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../contacts/index.ts';
import { authOf } from './auth.ts';
import type { Channels } from '../channels/create-channels.ts';
import type { BusinessResolver } from '../channels/ports.ts';

export interface ChannelRouteDeps {
  channels?: { channels: Channels; resolveBusiness: BusinessResolver } | undefined;
}

export async function channelRoutes(app: FastifyInstance, deps: ChannelRouteDeps): Promise<void> {
  if (!deps.channels) return;
  const { channels, resolveBusiness } = deps.channels;
  const requireAdmin = app.requireRole('admin');
  await channels.register(app, {
    // The WhatsApp number belongs to the default business: only its admins see the state and the pairing QR.
    authorizeAdmin: async function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      await requireAdmin.call(this, request, reply);
      const business = await resolveBusiness();
      if (authOf(request).businessId !== business.id)
        throw new DomainError('FORBIDDEN', 'WhatsApp is connected for another business');
    },
  });
}
