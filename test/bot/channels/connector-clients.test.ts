// Baton's Bot Framework authentication keeps one connector client per (app id, service URL, audience): botbuilder's
// CloudAdapter alone builds a new one, with its HTTP pipeline, for every turn and every proactive send.
import { ConfigurationServiceClientCredentialFactory, type Activity } from 'botbuilder';
import { ClaimsIdentity } from 'botframework-connector'; // botbuilder's own dependency
import { describe, expect, it } from 'vitest';
import { KEPT_CLIENTS, ReusingBotFrameworkAuthentication } from '../../../bot/channels/connector-clients.ts';

function authentication(appId = '', password = '') {
  const settings = {
    MicrosoftAppId: appId,
    MicrosoftAppPassword: password,
    MicrosoftAppTenantId: '',
    MicrosoftAppType: 'MultiTenant',
  };
  return new ReusingBotFrameworkAuthentication(settings, new ConfigurationServiceClientCredentialFactory(settings));
}

/** The identity CloudAdapter gives a proactive send (its createClaimsIdentity). */
const bot = (appId: string) =>
  new ClaimsIdentity([
    { type: 'aud', value: appId },
    { type: 'appid', value: appId },
  ]);

const activity = (serviceUrl: string) =>
  ({ type: 'message', channelId: 'emulator', serviceUrl, conversation: { id: 'c' } }) as Activity;

describe('ReusingBotFrameworkAuthentication', () => {
  it('gives the turns and the sends to one service URL the same connector client, another URL its own', async () => {
    const auth = authentication();
    const a = 'http://127.0.0.1:3978';
    const first = await auth.createConnectorFactory(bot('')).create(a);
    expect(await auth.createConnectorFactory(bot('')).create(a)).toBe(first);
    // an inbound (unauthenticated, local-only) turn to the same URL
    const turn = await auth.authenticateRequest(activity(a), '');
    expect(await turn.connectorFactory!.create(a, turn.audience)).toBe(
      await auth.createConnectorFactory(bot('')).create(a, turn.audience),
    );
    const other = await auth.createConnectorFactory(bot('')).create('http://127.0.0.1:3979');
    expect(other).not.toBe(first);
    expect(await auth.createUserTokenClient(bot(''))).toBe(await auth.createUserTokenClient(bot('')));
  });

  it('keeps clients per app id, and never keeps a failed creation', async () => {
    const appId = '11111111-2222-3333-4444-555555555555';
    const auth = authentication(appId, 'not-a-real-secret');
    const url = 'https://smba.trafficmanager.net/emea/';
    const ours = await auth.createConnectorFactory(bot(appId)).create(url);
    expect(await auth.createConnectorFactory(bot(appId)).create(url)).toBe(ours);
    const kept = auth.keptClients;
    // another bot's identity: botbuilder refuses to make credentials for it, every time
    await expect(auth.createConnectorFactory(bot('someone-else')).create(url)).rejects.toThrow(/appId/i);
    await expect(auth.createConnectorFactory(bot('someone-else')).create(url)).rejects.toThrow(/appId/i);
    expect(auth.keptClients).toBe(kept);
  });

  it(`keeps at most ${KEPT_CLIENTS} clients, dropping the least recently used`, async () => {
    const auth = authentication();
    const create = (i: number) => auth.createConnectorFactory(bot('')).create(`http://127.0.0.1:${10_000 + i}`);
    const first = await create(0);
    const second = await create(1);
    for (let i = 2; i < KEPT_CLIENTS; i++) await create(i);
    expect(await create(0)).toBe(first); // used again: now the most recent
    await create(KEPT_CLIENTS); // one too many: the least recently used (1) goes
    expect(auth.keptClients).toBe(KEPT_CLIENTS);
    expect(await create(0)).toBe(first);
    expect(await create(1)).not.toBe(second);
  });
});
