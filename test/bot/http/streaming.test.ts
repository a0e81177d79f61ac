import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandling } from '../../../bot/http/errors.ts';
import { streamAfterFirst } from '../../../bot/http/streaming.ts';
import { DomainError } from '../../../contacts/index.ts';

// A streamed download fails as a failure: before its first chunks, with an error status and body; after them, with
// a response the client cannot take for a complete one.
describe('streamed responses', () => {
  let app: FastifyInstance;
  let url: string;
  async function* chunks(failAt: number) {
    for (let i = 0; ; i++) {
      if (i === failAt) throw new DomainError('VALIDATION_FAILED', 'bad filter', 'search');
      if (i === 5) return;
      yield `line ${i}\n`;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  beforeAll(async () => {
    app = Fastify();
    installErrorHandling(app);
    app.get<{ Querystring: { failAt: string } }>('/csv', async (request, reply) => {
      const body = await streamAfterFirst(chunks(Number(request.query.failAt)), 2);
      reply.header('content-type', 'text/csv');
      return reply.send(body);
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it('sends the whole stream when nothing fails', async () => {
    const res = await fetch(`${url}/csv?failAt=99`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('line 0\nline 1\nline 2\nline 3\nline 4\n');
  });

  it('answers the error itself when the first chunks fail: nothing was sent yet', async () => {
    const res = await fetch(`${url}/csv?failAt=1`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'bad filter', field: 'search' } });
  });

  it('ends the response as a failure the client sees when a later chunk fails', async () => {
    const res = await fetch(`${url}/csv?failAt=3`);
    expect(res.status).toBe(200);
    // A chunked response cut short without its last chunk: fetch rejects instead of returning a truncated file.
    await expect(res.text()).rejects.toThrow();
  });
});
