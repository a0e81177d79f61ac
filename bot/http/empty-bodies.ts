// Lenient bodies: many HTTP clients send `Content-Type: application/json` (or another type) with no body on routes
// that take none (claim, close, delete, restore …). Fastify refuses those (400 "Body cannot be empty", 415). Here an
// empty body is no body, whatever its content type; a route that needs a body still refuses it through its schema
// (400 VALIDATION_FAILED naming the body). Non-empty bodies parse exactly as before (Fastify's own JSON parser, with
// its prototype-poisoning checks); a non-empty body of a type nobody parses still gets 415.
import type { FastifyInstance, FastifyRequest } from 'fastify';

const isEmpty = (body: string | Buffer) => (typeof body === 'string' ? body : body.toString('utf8')).trim() === '';

export function acceptEmptyBodies(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (isEmpty(body)) return done(null, undefined);
    json(request, String(body), done);
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request: FastifyRequest, body, done) => {
    if (isEmpty(body)) return done(null, undefined);
    const error = Object.assign(new Error(`Unsupported Media Type: ${request.headers['content-type'] ?? '(none)'}`), {
      statusCode: 415,
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    });
    done(error, undefined);
  });
}
