// The console: one HTML page at /console and every /console/… path (deep links: the app's router reads the path),
// and the app's content-hashed script and stylesheet. The page talks only to the JSON API under /api/v1.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadConsoleBundle, type Asset } from './bundle.ts';

/**
 * Only our own script. Styles: our own stylesheet, plus the `<style>` elements Mantine writes (its CSS variables),
 * which carry this page's nonce (a new one per response). Inline style attributes set by React go through the CSSOM,
 * which the CSP does not block. The WhatsApp pairing QR is a data: image.
 */
export const consolePolicy = (nonce: string) =>
  `default-src 'none'; script-src 'self'; style-src 'self' 'nonce-${nonce}'; img-src 'self' data:; ` +
  "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const page = (nonce: string, script: string, style: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Baton console</title>
<link rel="stylesheet" href="/console/static/${style}" nonce="${nonce}">
<script defer src="/console/static/${script}" nonce="${nonce}"></script>
</head>
<body>
<div id="root"><p>Loading Baton…</p></div>
<noscript>The Baton console needs JavaScript.</noscript>
</body>
</html>
`;

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset, type: string) {
  reply
    .type(type)
    .header('cache-control', 'public, max-age=31536000, immutable')
    .header('x-content-type-options', 'nosniff')
    .header('vary', 'accept-encoding');
  if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')))
    return reply.header('content-encoding', 'gzip').send(asset.gzipped);
  return reply.send(asset.raw);
}

export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  // Start building now, so the first page is not kept waiting; a failed build is tried again at the next request.
  loadConsoleBundle().catch((e: unknown) => app.log.error({ err: e }, 'console: building the app failed'));

  const html = async (_request: FastifyRequest, reply: FastifyReply) => {
    const bundle = await loadConsoleBundle();
    const nonce = randomBytes(16).toString('base64');
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', consolePolicy(nonce))
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(page(nonce, bundle.script.name, bundle.style.name));
  };
  app.get('/console', { schema: { hide: true } }, html);
  app.get('/console/*', { schema: { hide: true } }, html);

  app.get<{ Params: { file: string } }>('/console/static/:file', { schema: { hide: true } }, async (request, reply) => {
    const { script, style } = await loadConsoleBundle();
    if (request.params.file === script.name)
      return sendAsset(request, reply, script, 'application/javascript; charset=utf-8');
    if (request.params.file === style.name) return sendAsset(request, reply, style, 'text/css; charset=utf-8');
    return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such console file' } });
  });
}
