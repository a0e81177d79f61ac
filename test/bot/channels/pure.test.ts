import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { directLine, inboundFromActivity, MAX_TEXT, MEDIA_PLACEHOLDER, whatsapp } from '../../../bot/channels/index.ts';
import { withAgentName } from '../../../bot/channels/agent-name.ts';

const base = {
  type: 'message',
  id: 'a1',
  channelId: 'webchat',
  serviceUrl: 'https://example.test',
  conversation: { id: 'c1' },
  from: { id: 'u1', name: 'Ada' },
  recipient: { id: 'bot' },
} as unknown as Partial<Activity>;

describe('activity → InboundMessage', () => {
  it('keeps what the runtime needs, with the reference for proactive replies', () => {
    const msg = inboundFromActivity(
      { ...base, text: ' hi ', locale: 'es-ES' },
      { businessId: 'b1', phone: '+447911123456' },
    );
    expect(msg).toEqual({
      businessId: 'b1',
      channel: 'webchat',
      channelConversationId: 'c1',
      reference: expect.objectContaining({ serviceUrl: 'https://example.test', conversation: { id: 'c1' } }),
      sender: { phone: '+447911123456', profileName: 'Ada', channelUserId: 'u1' },
      text: 'hi',
      locale: 'es-ES',
      channelMessageId: 'a1',
    });
  });

  it('records attachments with a placeholder, cuts very long text, and skips what is not a message', () => {
    expect(
      inboundFromActivity({ ...base, text: '', attachments: [{ contentType: 'image/png' }] }, { businessId: 'b' })
        ?.text,
    ).toBe(MEDIA_PLACEHOLDER);
    const long = inboundFromActivity({ ...base, text: 'x'.repeat(MAX_TEXT + 50) }, { businessId: 'b' });
    expect(long?.text).toHaveLength(MAX_TEXT + ' […]'.length);
    expect(inboundFromActivity({ ...base, text: '   ' }, { businessId: 'b' })).toBeNull();
    expect(inboundFromActivity({ ...base, type: 'typing' }, { businessId: 'b' })).toBeNull();
    expect(inboundFromActivity({ ...base, text: 'x', conversation: undefined }, { businessId: 'b' })).toBeNull();
  });
});

describe('Direct Line tokens', () => {
  const signer = new directLine.TokenSigner('secret-1');
  const claims = { c: 'conv', u: 'user', b: 'biz' };

  it('verifies its own tokens and refuses tampered, foreign and expired ones', () => {
    const token = signer.sign(claims, 1_000);
    expect(signer.verify(token, 1_001)).toMatchObject(claims);
    expect(signer.verify(token, 1_000 + directLine.TOKEN_TTL_SECONDS)).toBeNull();
    const [payload, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, c: 'other', exp: 9e9 })).toString('base64url');
    expect(signer.verify(`${forged}.${mac}`, 1_001)).toBeNull();
    expect(signer.verify(`${payload}.${mac}x`, 1_001)).toBeNull();
    expect(new directLine.TokenSigner('secret-2').verify(token, 1_001)).toBeNull();
    expect(new directLine.TokenSigner('secret-1').verify(token, 1_001)).toMatchObject(claims);
    expect(signer.verify(undefined)).toBeNull();
    expect(signer.verify('garbage')).toBeNull();
  });
});

describe('Direct Line feed', () => {
  it('numbers activities by watermark and replays what came after one, within its bound', () => {
    const feed = new directLine.DirectLineFeed({ maxActivities: 3 });
    const c = feed.create('biz', 'user');
    for (const text of ['a', 'b', 'c', 'd']) feed.append(c.id, { type: 'message', text });
    expect(feed.since(c.id, undefined)).toMatchObject({
      watermark: '3',
      activities: [{ text: 'b' }, { text: 'c' }, { text: 'd' }],
    });
    expect(feed.since(c.id, '2').activities.map((a) => a.text)).toEqual(['d']);
    expect(feed.since(c.id, '3').activities).toEqual([]);
    expect(feed.since('unknown', '5')).toEqual({ activities: [], watermark: '5' });
  });
});

describe('WhatsApp in plain words', () => {
  it('turns raw disconnect and start errors into reasons an admin can act on', () => {
    const cases: [string, RegExp][] = [
      ['LOGOUT (a new pairing is needed)', /logged Baton out.*Scan the new pairing QR code/],
      ['auth_failure: restore failed (a new pairing is needed)', /did not accept the saved login/],
      [
        'start failed: Failed to launch the browser process! spawn /usr/bin/chromium ENOENT',
        /Chromium could not be started/,
      ],
      ['start failed: net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/', /no internet connection/],
      ['start failed: Navigation timeout of 30000 ms exceeded', /took too long/],
      ['browser closed', /browser running WhatsApp stopped/],
      ['SOMETHING_NEW', /^WhatsApp disconnected\. Baton is reconnecting\.$/],
    ];
    for (const [raw, words] of cases) {
      const plain = whatsapp.plainReason(raw);
      expect(plain, raw).toMatch(words);
      expect(plain).not.toMatch(/net::|ENOENT|spawn|auth_failure|LOGOUT/);
    }
    expect(whatsapp.plainReason(null)).toBeNull();
  });

  it("shows an agent's name in bold before their message (WhatsApp, web chat), and nothing else's", () => {
    expect(withAgentName('Hi, how can I help?', 'Sam')).toBe('*Sam:* Hi, how can I help?');
    expect(withAgentName('Hi', '*Sam_*')).toBe('*Sam:* Hi');
    expect(withAgentName('Hi', 'Sam', '**')).toBe('**Sam:** Hi'); // web chat's markdown
    expect(withAgentName('Hello from the AI', undefined)).toBe('Hello from the AI');
  });
});
