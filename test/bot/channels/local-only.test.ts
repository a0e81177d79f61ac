// Local mode of POST /api/messages (no MicrosoftAppId): loopback clients only, never through a proxy. Clients are
// simulated with Fastify's inject and its remoteAddress, so no traffic leaves loopback.
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createChannels } from '../../../bot/channels/index.ts';
import { isLocalRequest } from '../../../bot/channels/local-only.ts';
import { channelsConfig, emulatorActivity, quietLogger, recordingRuntime } from './support.ts';

const business = { id: '00000000-0000-4000-8000-000000000001', slug: 'acme', name: 'Acme' };

async function build(env: Record<string, string> = {}, logger = quietLogger()) {
  const runtime = recordingRuntime();
  const channels = createChannels({
    config: channelsConfig(env),
    logger,
    conversations: runtime,
    resolveBusiness: async () => business,
  });
  const app = Fastify();
  await channels.register(app, { authorizeAdmin: async () => {} });
  await app.ready();
  return { app, runtime };
}

// A conversationUpdate is answered 200 without any reply going out.
const update = { ...emulatorActivity('http://127.0.0.1:9', ''), type: 'conversationUpdate' };

describe('/api/messages without MicrosoftAppId', () => {
  it('accepts the loopback interface, IPv4 and IPv6', async () => {
    const { app } = await build();
    try {
      for (const remoteAddress of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
        const res = await app.inject({ method: 'POST', url: '/api/messages', payload: update, remoteAddress });
        expect(res.statusCode, remoteAddress).toBe(200);
      }
    } finally {
      await app.close();
    }
  });

  it('refuses other clients and proxied ones with 401 naming MicrosoftAppId, before any turn runs', async () => {
    const { app, runtime } = await build();
    try {
      const cases = [
        { remoteAddress: '203.0.113.7', headers: {} },
        { remoteAddress: '192.168.1.20', headers: {} },
        { remoteAddress: '::ffff:10.0.0.5', headers: {} },
        { remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.7' } },
        { remoteAddress: '127.0.0.1', headers: { forwarded: 'for=203.0.113.7;proto=https' } },
        { remoteAddress: '::1', headers: { 'x-real-ip': '203.0.113.7' } },
      ];
      for (const { remoteAddress, headers } of cases) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/messages',
          payload: emulatorActivity('http://127.0.0.1:9', 'hi'),
          remoteAddress,
          headers,
        });
        const label = `${remoteAddress} ${JSON.stringify(headers)}`;
        expect(res.statusCode, label).toBe(401);
        const body = res.json() as { error: { code: string; message: string } };
        expect(body.error.code).toBe('UNAUTHENTICATED');
        expect(body.error.message).toContain('MicrosoftAppId');
      }
      expect(runtime.inbound).toHaveLength(0);
    } finally {
      await app.close();
    }
  });

  it('says so in one plain line at start-up', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).trim().split('\n'));
        done();
      },
    });
    const { app } = await build({}, pino({ level: 'info' }, sink));
    await app.close();
    const about = lines.map((l) => (JSON.parse(l) as { msg: string }).msg).filter((m) => m.includes('/api/messages'));
    expect(about).toHaveLength(1);
    expect(about[0]).toMatch(/MicrosoftAppId.*only.*this machine/);
  });
});

describe('/api/messages with MicrosoftAppId', () => {
  it('does not look at the client address: every request goes to Azure Bot Service authentication', async () => {
    const { app, runtime } = await build({
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      MicrosoftAppPassword: 'not-a-real-secret',
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/messages',
        payload: emulatorActivity('http://127.0.0.1:9', 'hi'),
        remoteAddress: '203.0.113.7',
        headers: { 'x-forwarded-for': '198.51.100.1' },
      });
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain('this machine');
      expect(runtime.inbound).toHaveLength(0);
    } finally {
      await app.close();
    }
  });
});

it('isLocalRequest: loopback peers without forwarding headers only', () => {
  expect(isLocalRequest('127.0.0.1', {})).toBe(true);
  expect(isLocalRequest('::1', { host: 'localhost' })).toBe(true);
  expect(isLocalRequest(undefined, {})).toBe(false);
  expect(isLocalRequest('128.0.0.1', {})).toBe(false);
  expect(isLocalRequest('::2', {})).toBe(false);
  expect(isLocalRequest('127.0.0.1', { forwarded: 'for=127.0.0.1' })).toBe(false);
});
