// The customer-facing webchat: the demo page at GET /, the embeddable widget at GET /webchat.js, and the
// botframework-webchat bundle at GET /webchat/bundle.js.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { loadBundle } from './bundle.ts';

const WIDGET = readFileSync(new URL('./assets/widget.js', import.meta.url), 'utf8');
const DEMO = readFileSync(new URL('./assets/demo.html', import.meta.url), 'utf8');

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The business a page names by slug (the default one when none): channels/business-resolver.ts answers. */
export type WebchatBusinessResolver = (slug?: string) => Promise<{ slug: string; name: string }>;

export function registerWebchatRoutes(
  app: FastifyInstance,
  options: { resolveBusiness: WebchatBusinessResolver },
): void {
  app.get<{ Querystring: { business?: string } }>('/', async (request, reply) => {
    const slug = typeof request.query.business === 'string' ? request.query.business.slice(0, 100) : undefined;
    let business;
    try {
      business = await options.resolveBusiness(slug || undefined);
    } catch {
      return reply
        .code(404)
        .type('text/plain')
        .send(`No business "${slug ?? ''}".`);
    }
    const html = DEMO.replaceAll('{{TITLE}}', escapeHtml(business.name)).replaceAll(
      '{{BUSINESS}}',
      escapeHtml(slug ? business.slug : ''),
    );
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });

  app.get('/webchat.js', async (_request, reply) =>
    reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .send(WIDGET),
  );

  app.get('/webchat/bundle.js', async (request, reply) => {
    const bundle = await loadBundle();
    reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .header('access-control-allow-origin', '*')
      .header('vary', 'accept-encoding');
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')))
      return reply.header('content-encoding', 'gzip').send(bundle.gzipped);
    return reply.send(bundle.raw);
  });

  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());
}
