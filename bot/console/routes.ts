// The agent console: one HTML page, one vanilla script and one stylesheet, read once at start and served as they
// are. The page talks only to the JSON API under /api/v1 (token in sessionStorage); nothing here touches data.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
const PAGE = asset('console.html');
const SCRIPT = asset('console.js');
const STYLE = asset('console.css');

/** Only our own script and style; the WhatsApp pairing QR is shown as a data: image. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  app.get('/console', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(PAGE),
  );
  app.get('/console/console.js', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(SCRIPT),
  );
  app.get('/console/console.css', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(STYLE),
  );
}
