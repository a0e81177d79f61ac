// /api/v1/channels/webchat: the business's webchat embed snippet, ready to copy, and its demo page. (The WhatsApp
// state, /api/v1/channels/whatsapp, is mounted by bot/channels with the WhatsApp connection.)
import { z } from 'zod';
import { DomainError } from '../../contacts/index.ts';
import { authOf } from './auth.ts';
import type { RouteModule } from './server.ts';

const tags = ['channels'];

/** The HTML to paste into a site for this business's webchat widget. Pure. */
export function webchatSnippet(baseUrl: string, slug: string): string {
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<script src="${attr(baseUrl)}/webchat.js" data-business="${attr(slug)}" async></script>`;
}

export const channelApiRoutes: RouteModule = async (app, { db }) => {
  app.get(
    '/channels/webchat',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'The webchat embed snippet for your business, ready to copy, and its demo page',
        description:
          'URLs use the address this request came to (scheme and host as Baton sees them; behind a proxy, as it forwards them).',
        response: {
          200: z.object({
            snippet: z.string().describe('<script src="…/webchat.js" data-business="<slug>" async></script>'),
            demoUrl: z.string().describe('the demo page with the webchat of this business'),
          }),
        },
      },
    },
    async (request) => {
      const business = await db.prisma.business.findUnique({
        where: { id: authOf(request).businessId },
        select: { slug: true },
      });
      if (!business) throw new DomainError('NOT_FOUND', 'no such business');
      const baseUrl = `${request.protocol}://${request.host}`;
      return {
        snippet: webchatSnippet(baseUrl, business.slug),
        demoUrl: `${baseUrl}/?business=${encodeURIComponent(business.slug)}`,
      };
    },
  );
};
