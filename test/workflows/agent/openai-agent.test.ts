// The OpenAI agent against a local server that speaks the Chat Completions API: the real SDK, real HTTP.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, OpenAiAgent, type AgentContext } from '../../../workflows/agent/index.ts';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai.ts';

const FAQ = readFileSync(new URL('../../../workflows/agent/faq.example.md', import.meta.url), 'utf8');
const ctx: AgentContext = {
  businessName: 'Acme Bikes',
  country: 'GB',
  channel: 'webchat',
  history: [
    { author: 'customer', text: 'hi' },
    { author: 'ai', text: 'Hello! How can I help?' },
  ],
};

let server: FakeOpenAi;
let agent: OpenAiAgent;
const warnings: { obj: object; msg?: string | undefined }[] = [];
const logger = { warn: (obj: object, msg?: string) => warnings.push({ obj, msg }), debug: () => {} };

beforeAll(async () => {
  server = await startFakeOpenAi();
  agent = new OpenAiAgent({
    apiKey: 'sk-test',
    baseUrl: server.baseUrl,
    model: 'test-model',
    timeoutMs: 500,
    maxRetries: 1,
    faqMarkdown: FAQ,
    logger,
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  warnings.length = 0;
});

describe('OpenAiAgent.reply', () => {
  it('sends the model, the business prompt with the FAQ, the history and the tools; returns a plain answer', async () => {
    server.script({ content: 'We open at 9:00, Monday to Saturday.' });
    const reply = await agent.reply('when do you open?', ctx);
    expect(reply).toEqual({ kind: 'reply', text: 'We open at 9:00, Monday to Saturday.' });

    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-test');
    expect(req.body.model).toBe('test-model');
    expect(req.body.tools?.map((t) => t.function.name)).toEqual(['request_human']);
    expect(req.body.tools?.[0]?.function.parameters).toMatchObject({
      type: 'object',
      properties: { reason: { enum: ['customer_asked', 'cannot_help', 'frustrated'] } },
      required: ['reason'],
    });
    expect(req.body.tools?.[0]?.function.parameters).not.toHaveProperty('$schema');
    const [system, ...rest] = req.body.messages;
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('Acme Bikes');
    expect(system?.content).toContain('Monday to Saturday, 9:00 to 18:00');
    expect(rest).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'Hello! How can I help?' },
      { role: 'user', content: 'when do you open?' },
    ]);
  });

  it("maps agents' and system messages, keeps the last 30 messages, and tells the model the locale", async () => {
    server.script({ content: 'Claro.' });
    const history: AgentContext['history'] = [
      ...Array.from({ length: 40 }, (_, i) => ({ author: 'customer' as const, text: `m${i}` })),
      { author: 'agent', text: 'Soy Ana, del equipo.' },
      { author: 'system', text: 'Ana se ha unido' },
    ];
    await agent.reply('¿me ayudas?', { ...ctx, history, locale: 'es-ES', channel: 'whatsapp' });
    const { messages } = server.requests[0]!.body;
    expect(messages[0]?.content).toContain("The customer's locale is es-ES.");
    expect(messages[0]?.content).toContain('whatsapp chat');
    expect(messages).toHaveLength(1 + 30 + 1);
    expect(messages[1]).toEqual({ role: 'user', content: 'm12' });
    expect(messages.slice(-3)).toEqual([
      { role: 'assistant', content: 'Soy Ana, del equipo.' },
      { role: 'system', content: 'Ana se ha unido' },
      { role: 'user', content: '¿me ayudas?' },
    ]);
  });

  it('turns a request_human tool call into a handover', async () => {
    server.script(
      {
        toolCalls: [
          { name: 'request_human', arguments: '{"reason":"cannot_help","message":"Let me get a colleague."}' },
        ],
      },
      { toolCalls: [{ name: 'request_human', arguments: '{"reason":"customer_asked"}' }] },
    );
    expect(await agent.reply('my wheel makes a strange noise since the service', ctx)).toEqual({
      kind: 'handover',
      reason: 'ai_decided',
      text: 'Let me get a colleague.',
    });
    expect(await agent.reply('could a mechanic look at it with me?', ctx)).toEqual({
      kind: 'handover',
      reason: 'customer_asked',
      text: expect.stringContaining('finding a person from Acme Bikes'),
    });
  });

  it('still hands over when request_human comes with invalid arguments, and logs why', async () => {
    server.script({ toolCalls: [{ name: 'request_human', arguments: '{"reason":"bored"}' }] });
    expect(await agent.reply('hmm', ctx)).toMatchObject({ kind: 'handover', reason: 'ai_decided' });
    expect(warnings[0]?.msg).toBe('AI tool arguments invalid');
  });

  it('hands over clear requests for a person without asking the model', async () => {
    expect(await agent.reply('human please', ctx)).toMatchObject({ kind: 'handover', reason: 'customer_asked' });
    expect(server.requests).toHaveLength(0);
  });

  it('retries a 500 once, then hands over with ai_failed', async () => {
    server.script({ status: 500, error: 'boom' }, { status: 500, error: 'boom again' });
    expect(await agent.reply('when do you open?', ctx)).toEqual({
      kind: 'handover',
      reason: 'ai_failed',
      text: expect.stringContaining('finding a person'),
    });
    expect(server.requests).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ msg: 'AI request failed' });
  });

  it('recovers when the retry succeeds', async () => {
    server.script({ status: 503, error: 'busy' }, { content: 'Yes, we do.' });
    expect(await agent.reply('do you fix e-bikes?', ctx)).toEqual({ kind: 'reply', text: 'Yes, we do.' });
    expect(server.requests).toHaveLength(2);
  });

  it('hands over with ai_failed when the model does not answer in time', async () => {
    server.script({ hang: true }, { hang: true });
    const started = performance.now();
    expect(await agent.reply('when do you open?', ctx)).toMatchObject({ kind: 'handover', reason: 'ai_failed' });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('hands over with ai_failed on an empty answer or an unreachable server', async () => {
    server.script({ content: '   ' });
    expect(await agent.reply('when do you open?', ctx)).toMatchObject({ kind: 'handover', reason: 'ai_failed' });
    const dead = new OpenAiAgent({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9/v1', maxRetries: 0, timeoutMs: 500 });
    expect(await dead.reply('when do you open?', ctx)).toMatchObject({ kind: 'handover', reason: 'ai_failed' });
  });
});

describe('OpenAiAgent.extractDetails', () => {
  const tool = (args: object | string) => ({
    toolCalls: [{ name: 'save_contact_details', arguments: typeof args === 'string' ? args : JSON.stringify(args) }],
  });

  it('forces save_contact_details and accepts valid details that agree with the offline reading', async () => {
    server.script(tool({ email: 'Jane.Doe@example.com', phone: '07911 123456', declined: false }));
    const got = await agent.extractDetails("sure, it's jane.doe@example.com and 07911 123456", { country: 'GB' });
    expect(got).toEqual({
      email: { status: 'found', value: 'jane.doe@example.com' },
      phone: { status: 'found', value: '+447911123456' },
      declined: false,
    });
    const req = server.requests[0]!;
    expect(req.body.model).toBe('test-model');
    expect(req.body.tools?.map((t) => t.function.name)).toEqual(['save_contact_details']);
    expect(req.body.tool_choice).toEqual({ type: 'function', function: { name: 'save_contact_details' } });
    expect(req.body.messages.at(-1)).toEqual({
      role: 'user',
      content: "sure, it's jane.doe@example.com and 07911 123456",
    });
  });

  it('lets the model settle what the offline reading left ambiguous, among the offline options only', async () => {
    server.script(tool({ email: null, phone: '07825 123456', declined: false }));
    expect((await agent.extractDetails('07911 123456 or 07825 123456', { country: 'GB' })).phone).toEqual({
      status: 'found',
      value: '+447825123456',
    });
  });

  it('never saves a value the model made up, and asks when model and offline reading disagree', async () => {
    server.script(
      tool({ email: 'someone@else.com', phone: '07400 123456', declined: false }),
      tool({ email: 'jo@hotmail.com', phone: null, declined: false }),
      tool({ email: 'kim@icloud.com', phone: null, declined: false }),
    );
    // not in the reply at all: ignored
    expect(await agent.extractDetails("it's jo@gmail.com", { country: 'GB' })).toEqual({
      email: { status: 'found', value: 'jo@gmail.com' },
      phone: { status: 'none' },
      declined: false,
    });
    // in the reply but the offline reading chose the other one: ask
    expect(
      (await agent.extractDetails('my old one was jo@hotmail.com, use jo.bloggs@gmail.com', { country: 'GB' })).email,
    ).toEqual({ status: 'ambiguous', options: ['jo.bloggs@gmail.com', 'jo@hotmail.com'] });
    // someone else's, set aside by the offline reading: still not saved
    expect((await agent.extractDetails('send it to my daughter kim@icloud.com', { country: 'GB' })).email).toEqual({
      status: 'none',
    });
  });

  it('re-validates the model: an invalid phone or email, or invalid arguments, leave the offline reading', async () => {
    server.script(
      tool({ email: 'not-an-email', phone: '12345', declined: false }),
      tool({ email: 7, phone: null }),
      tool('{"email": "jo@'),
    );
    const message = 'jo dot bloggs at gmail dot com, 07911 123456';
    const offline = {
      email: { status: 'found', value: 'jo.bloggs@gmail.com' },
      phone: { status: 'found', value: '+447911123456' },
      declined: false,
    };
    expect(await agent.extractDetails(message, { country: 'GB' })).toEqual(offline);
    expect(await agent.extractDetails(message, { country: 'GB' })).toEqual(offline);
    expect(await agent.extractDetails(message, { country: 'GB' })).toEqual(offline);
    expect(warnings.map((w) => w.msg)).toEqual(['AI tool arguments invalid', 'AI tool arguments invalid']);
  });

  it('adds what the offline reading missed when it is valid and in the reply', async () => {
    // the offline reading knows no Polish hint and finds the number invalid in GB; the model read it as Polish
    const message = "I'm in Poland, 512 345 678";
    expect(
      (
        await new OpenAiAgent({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9/v1', maxRetries: 0 }).extractDetails(
          message,
          { country: 'GB' },
        )
      ).phone,
    ).toMatchObject({ status: 'invalid' });
    server.script(tool({ email: null, phone: '+48 512 345 678', declined: false }));
    expect((await agent.extractDetails(message, { country: 'GB' })).phone).toEqual({
      status: 'found',
      value: '+48512345678',
    });
  });

  it('falls back to the offline reading when the model fails', async () => {
    server.script({ status: 500, error: 'boom' }, { status: 500, error: 'boom' });
    expect(await agent.extractDetails('no thanks', { country: 'GB' })).toEqual({
      email: { status: 'none' },
      phone: { status: 'none' },
      declined: true,
    });
  });
});

describe('OpenAiAgent and issue 19: names, corrections, refusals, the follow-up', () => {
  const tool = (args: object) => ({ toolCalls: [{ name: 'save_contact_details', arguments: JSON.stringify(args) }] });

  it('the tool schema asks for a name; a name the model read is kept only when written in the reply', async () => {
    server.script(
      tool({ email: 'sam@baker.com', phone: null, declined: false, name: 'Sam Baker' }),
      tool({ email: null, phone: null, declined: false, name: 'Samuel Bakerson' }),
    );
    // the model reads a name the offline reading has no phrase for ("put it under Sam Baker")
    const got = await agent.extractDetails('put it under sam baker please, sam@baker.com', { country: 'GB' });
    expect(got.name).toEqual({ firstName: 'Sam', lastName: 'Baker' });
    expect(got.email).toEqual({ status: 'found', value: 'sam@baker.com' });
    const schema = server.requests[0]!.body.tools![0]!.function.parameters as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(['email', 'phone', 'declined', 'name']);
    // invented: not in the reply
    expect((await agent.extractDetails('thanks!', { country: 'GB' })).name).toBeUndefined();
  });

  it('an invalid name argument is refused by zod like any other, and the offline reading stands', async () => {
    server.script(tool({ email: null, phone: null, declined: false, name: 7 }));
    const got = await agent.extractDetails("I'm Sam Baker, 07911 123456", { country: 'GB' });
    expect(got.name).toEqual({ firstName: 'Sam', lastName: 'Baker' });
    expect(got.phone).toEqual({ status: 'found', value: '+447911123456' });
    expect(warnings.map((w) => w.msg)).toEqual(['AI tool arguments invalid']);
  });

  it('a refusal the model recognises is one, whatever its wording', async () => {
    server.script(tool({ email: null, phone: null, declined: true }));
    expect((await agent.extractDetails('meh, rather you lot did not', { country: 'GB' })).declined).toBe(true);
  });

  it('anger does not stop the details being read, also when the model misses them', async () => {
    server.script(tool({ email: null, phone: null, declined: false }));
    const got = await agent.extractDetails(
      "I've called 0161 496 0018 three times and nobody picks up!!! email dan@dan.com phone 07911 123456",
      { country: 'GB' },
    );
    expect(got.email).toEqual({ status: 'found', value: 'dan@dan.com' });
    expect(got.phone).toEqual({ status: 'found', value: '+447911123456' });
  });

  it('awaiting the team: no request_human tool, the prompt says a person will reply, no handover offered', async () => {
    server.script({ content: 'We open at 9.' }, { status: 500, error: 'boom' }, { status: 500, error: 'boom' });
    const waiting = { ...ctx, awaitingTeam: true };
    expect(await agent.reply('when do you open?', waiting)).toEqual({ kind: 'reply', text: 'We open at 9.' });
    const req = server.requests[0]!;
    expect(req.body.tools).toBeUndefined();
    expect(req.body.messages[0]!.content).toMatch(/already waiting for a person from the team/);
    // a failure and a request for a person get the follow-up, never a handover
    expect(await agent.reply('and do you sell helmets?', waiting)).toEqual({
      kind: 'reply',
      text: 'Thanks, someone from the team will reply here as soon as possible.',
    });
    expect(await agent.reply('can I talk to a person', waiting)).toMatchObject({ kind: 'reply' });
  });
});

describe('createAgent', () => {
  it('builds the OpenAI agent when a key is given', () => {
    const a = createAgent({ openaiApiKey: 'sk-x', openaiBaseUrl: server.baseUrl, openaiModel: 'm' });
    expect(a).toBeInstanceOf(OpenAiAgent);
    expect(a.name).toBe('openai');
  });
});
