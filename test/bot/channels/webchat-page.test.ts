import Fastify, { type FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenSigner } from '../../../bot/channels/directline/tokens.ts';
import { createChannels } from '../../../bot/channels/index.ts';
import { launchChromium, SEND_BOX } from './browser.ts';
import { channelsConfig, quietLogger, recordingRuntime } from './support.ts';

const SECRET = 'a-long-enough-secret-for-the-api-tokens-0123456789';
const acme = { id: '00000000-0000-4000-8000-000000000001', slug: 'acme', name: 'Acme & Sons' };

// The page a visitor opens, in a real browser: Microsoft's web chat bundle served by Baton, talking to Baton's
// Direct Line server over a WebSocket. The runtime here is the recording stand-in that echoes; the story with the
// real runtime and database is in webchat.db.test.ts.
describe('the webchat page in headless Chromium', () => {
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  const runtime = recordingRuntime();

  beforeAll(async () => {
    const channels = createChannels({
      config: channelsConfig({ BATON_TOKEN_SECRET: SECRET }),
      logger: quietLogger(),
      conversations: runtime,
      resolveBusiness: async (slug) => {
        if (slug === undefined || slug === 'acme') return acme;
        throw new Error('not found');
      },
    });
    app = Fastify();
    await channels.register(app, { authorizeAdmin: async () => {} });
    base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('sends a message and shows the reply live; the conversation survives a reload; no request leaves the server', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('blob:') && !r.url().startsWith('data:'))
        external.push(r.url());
    });
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

    await page.goto(`${base}/`);
    await expect(page.title()).resolves.toBe('Acme & Sons');
    const input = page.locator(SEND_BOX);
    await input.waitFor({ timeout: 15_000 });
    await input.fill('Hello from the browser');
    await input.press('Enter');
    await page.locator('p', { hasText: 'echo: Hello from the browser' }).first().waitFor({ timeout: 10_000 });
    expect(runtime.inbound.at(-1)).toMatchObject({ channel: 'webchat', text: 'Hello from the browser' });
    const conversationId = runtime.inbound.at(-1)!.channelConversationId;

    // Reload: the widget resumes the same Direct Line conversation and replays its history.
    await page.reload();
    await page.locator('p', { hasText: 'echo: Hello from the browser' }).first().waitFor({ timeout: 15_000 });
    await page.locator(SEND_BOX).fill('still me');
    await page.locator(SEND_BOX).press('Enter');
    await page.locator('p', { hasText: 'echo: still me' }).first().waitFor({ timeout: 10_000 });
    expect(runtime.inbound.at(-1)?.channelConversationId).toBe(conversationId);

    // Back the next day: the token the widget kept has expired; the widget resumes the same conversation with it.
    const key = await page.evaluate(() => Object.keys(localStorage).find((k) => k.startsWith('baton-webchat:')));
    expect(key).toBeDefined();
    const saved = JSON.parse((await page.evaluate((k) => localStorage.getItem(k), key!)) ?? 'null') as {
      token: string;
    };
    const signer = new TokenSigner(SECRET);
    const claims = signer.verify(saved.token)!;
    expect(claims.c).toBe(conversationId);
    saved.token = signer.sign({ c: claims.c, u: claims.u, b: claims.b }, Math.floor(Date.now() / 1000) - 24 * 3600);
    await page.evaluate(([k, v]) => localStorage.setItem(k, v), [key!, JSON.stringify(saved)] as const);
    await page.reload();
    await page.locator(SEND_BOX).fill('back the next day');
    await page.locator(SEND_BOX).press('Enter');
    await page.locator('p', { hasText: 'echo: back the next day' }).first().waitFor({ timeout: 15_000 });
    expect(runtime.inbound.at(-1)?.channelConversationId).toBe(conversationId);

    expect(external).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('serves the embeddable widget and the bundle (gzipped) from node_modules', async () => {
    const widget = await fetch(`${base}/webchat.js`);
    expect(widget.headers.get('content-type')).toMatch(/javascript/);
    expect(await widget.text()).toContain('/v3/directline');
    const bundle = await app.inject({ url: '/webchat/bundle.js', headers: { 'accept-encoding': 'gzip' } });
    expect(bundle.headers['content-encoding']).toBe('gzip');
    expect(bundle.rawPayload.length).toBeLessThan(1_500_000);
    expect(bundle.rawPayload.length).toBeGreaterThan(500_000);
    expect((await app.inject({ url: '/?business=nope' })).statusCode).toBe(404);
  });
});
