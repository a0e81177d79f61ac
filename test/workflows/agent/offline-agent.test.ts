import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createAgent,
  FaqIndex,
  OfflineAgent,
  parseFaq,
  wantsHuman,
  type AgentContext,
} from '../../../workflows/agent/index.ts';

const FAQ = readFileSync(new URL('../../../workflows/agent/faq.example.md', import.meta.url), 'utf8');
const ctx = (history: AgentContext['history'] = [], locale?: string): AgentContext => ({
  businessName: 'Acme Bikes',
  country: 'GB',
  channel: 'webchat',
  history,
  locale,
});

describe('wantsHuman (English and Spanish)', () => {
  it.each([
    'can I talk to a person',
    'human please',
    'agent',
    'Representative!',
    'I want to speak to someone',
    'let me talk to a real human',
    'put me through to customer service',
    'is there anyone there who is a real person?',
    "I'd like to speak to the manager",
    'get me an agent',
    'are you a bot? I want a human',
    'connect me with support',
    "I don't want to talk to a bot",
    'can someone call me back?',
    'Can I speak with somebody from your team?',
    'OPERATOR',
    'quiero hablar con una persona',
    'pásame con un agente, por favor',
    'necesito un asesor',
    'persona por favor',
    '¿hay alguien ahí?',
    'no quiero hablar con un robot',
    '¿Puedo hablar con atención al cliente?',
    // written later and run unseen: 17 of these 20 were recognised at first (the last three were then added)
    'I need to speak to a human being',
    'real person pls',
    'can you get someone to help me',
    'i want a real agent not a bot',
    'talk to human',
    'Live agent',
    'Customer service please',
    'I want to complain to a manager',
    'speak to someone',
    'could I chat with a member of your team',
    'necesito hablar con alguien',
    'quiero un humano',
    'hablar con un agente',
    'atención al cliente por favor',
    'necesito ayuda de una persona',
    'puedo hablar con el encargado?',
    'contactar con soporte',
    'is anybody there?',
    'escalate this',
    'me pasas con una persona real?',
  ])('"%s" asks for a human', (message) => {
    expect(wantsHuman(message)).toBe(true);
  });

  it.each([
    'what are your opening hours?',
    'hi',
    'do your agents work weekends?',
    "I don't need a person, just the price",
    'how much is a service',
    'is the staff friendly?',
    'my friend recommended you',
    'I need a new bike',
    'gracias',
    '¿cuánto cuesta una revisión?',
    // unseen set: all 10 left alone at first
    'I spoke to someone yesterday about my order',
    'is the manager nice?',
    'my agent told me to contact you',
    'do you have staff on Sundays?',
    'hola, ¿tenéis bicis eléctricas?',
    'the person who fixed my bike was great',
    'how many people work there?',
    'we are a team of cyclists',
    'can a person park outside?',
    'who is the best person to ask about frames?',
  ])('"%s" does not', (message) => {
    expect(wantsHuman(message)).toBe(false);
  });
});

describe('OfflineAgent.reply', () => {
  const agent = new OfflineAgent({ faqMarkdown: FAQ });

  it('parses the FAQ file into the about text and question sections', () => {
    const faq = parseFaq(FAQ);
    expect(faq.about).toMatch(/^We are Acme Bikes/);
    expect(faq.entries).toHaveLength(7);
    expect(faq.entries[0]).toEqual({
      question: 'When are you open? What are your opening hours?',
      answer: 'Monday to Saturday, 9:00 to 18:00. Closed on Sundays and bank holidays.',
    });
  });

  it('greets with the business name', async () => {
    expect(await agent.reply('hi there!', ctx())).toEqual({
      kind: 'reply',
      text: expect.stringContaining('Acme Bikes'),
    });
    expect(await agent.reply('hola', ctx([], 'es-ES'))).toEqual({
      kind: 'reply',
      text: expect.stringMatching(/^¡Hola!/),
    });
  });

  it.each([
    ['what time do you open?', /Monday to Saturday/],
    ['hello, what are your hours?', /Monday to Saturday/],
    ['where is the shop?', /12 Example Street/],
    ['is there parking?', /free parking/],
    ['how much is a service?', /£60/],
    ['do you ship to london?', /deliver/],
    ['can I return my helmet?', /30 days/],
    ['how long will my repair take', /2 working days/],
    ['¿cuál es vuestro horario?', /De lunes a sábado/],
  ])('answers "%s" from the FAQ', async (message, answer) => {
    expect(await agent.reply(message, ctx())).toEqual({ kind: 'reply', text: expect.stringMatching(answer) });
  });

  it('offers a human when the FAQ has no answer, and hands over when the customer says yes', async () => {
    const first = await agent.reply('do you sell unicorns?', ctx());
    expect(first).toEqual({ kind: 'reply', text: expect.stringMatching(/pass your question on to a person/) });
    const history = [
      { author: 'customer' as const, text: 'do you sell unicorns?' },
      { author: 'ai' as const, text: first.kind === 'reply' ? first.text : '' },
    ];
    expect(await agent.reply('yes please', ctx(history))).toMatchObject({ kind: 'handover', reason: 'customer_asked' });
    // a second question it cannot answer: it stops trying and finds a person itself
    expect(await agent.reply('what about dragons?', ctx(history))).toMatchObject({
      kind: 'handover',
      reason: 'ai_decided',
    });
  });

  it('hands over when asked, in English and Spanish, and when the customer is frustrated', async () => {
    expect(await agent.reply('can I talk to a person', ctx())).toEqual({
      kind: 'handover',
      reason: 'customer_asked',
      text: expect.stringContaining('finding a person from Acme Bikes'),
    });
    expect(await agent.reply('quiero hablar con una persona', ctx())).toEqual({
      kind: 'handover',
      reason: 'customer_asked',
      text: expect.stringMatching(/^Por supuesto/),
    });
    expect(await agent.reply('this is useless', ctx())).toMatchObject({ kind: 'handover', reason: 'ai_decided' });
  });

  it('works with no FAQ at all and is the default agent without an API key', async () => {
    const bare = createAgent({});
    expect(bare).toBeInstanceOf(OfflineAgent);
    expect(await bare.reply('what time do you open?', ctx())).toMatchObject({
      kind: 'reply',
      text: expect.stringMatching(/person/),
    });
  });

  it('extracts details through the same interface', async () => {
    expect(await agent.extractDetails('jo dot bloggs at gmail dot com, 07911 123456', { country: 'GB' })).toEqual({
      email: { status: 'found', value: 'jo.bloggs@gmail.com' },
      phone: { status: 'found', value: '+447911123456' },
      declined: false,
    });
  });

  it('answers 1,000 messages in well under a second', async () => {
    const started = performance.now();
    for (let i = 0; i < 1000; i++) await agent.reply(i % 2 ? 'where are you?' : 'can I return my bike?', ctx());
    const ms = performance.now() - started;
    console.log(`offline agent: ${(ms / 1000).toFixed(3)} ms a reply`);
    expect(ms).toBeLessThan(1000);
  });
});

describe('FAQ retrieval on the example FAQ', () => {
  // run unseen first: 10/15 answered right and 3 of the 10 off-topic questions got a wrong answer; then words common
  // across the FAQ ("bike" at a bike shop) stopped counting as evidence and where/when/how much became topic words
  const index = new FaqIndex(parseFaq(FAQ));
  const answerable: [string, RegExp][] = [
    ['are you open on sunday?', /Sundays/],
    ['what are your hours on saturday', /Saturday/],
    ['whats ur address', /Example Street/],
    ['where can I park', /parking/],
    ['cost of a full service?', /£110/],
    ['how much to fix a puncture', /£12/],
    ['how quickly can you repair my bike', /2 working days/],
    ['do you deliver to Salford?', /deliver/],
    ['shipping cost for parts', /£4.95/],
    ['refund policy?', /refund/],
    ['can I bring back something I bought', /returned/],
    ['when do you close today', /18:00/],
    ['¿dónde estáis?', /Example Street/],
    ['¿a qué hora abrís el sábado?', /sábado/],
    ['how long does a service take', /2 working days|£60/],
  ];
  const offTopic = [
    'do you sell skateboards?',
    'what is your favourite colour',
    'can you recommend a helmet size for a 5 year old',
    'is the owner married?',
    'my bike was stolen what do I do',
    'do you have a loyalty card?',
    'what bike should I buy for commuting',
    'tell me a joke',
    'are you hiring?',
    'do you do bike fitting?',
  ];

  it('answers most answerable questions right and never answers an off-topic one', () => {
    const right = answerable.filter(([q, re]) => re.test(index.answer(q)?.answer ?? '')).length;
    const wrong = answerable.filter(([q, re]) => {
      const a = index.answer(q);
      return a !== undefined && !re.test(a.answer);
    });
    const answeredOffTopic = offTopic.filter((q) => index.answer(q) !== undefined);
    console.log(
      `FAQ retrieval: ${right}/${answerable.length} answered right, ${wrong.length} answered wrong, ` +
        `${answeredOffTopic.length}/${offTopic.length} off-topic answered`,
    );
    expect(wrong).toEqual([]);
    expect(answeredOffTopic).toEqual([]);
    expect(right).toBeGreaterThanOrEqual(12);
  });

  it('answers a question the same however often it is asked and however it is written (answers are remembered)', () => {
    const fresh = (q: string) => new FaqIndex(parseFaq(FAQ)).answer(q);
    for (const [q] of answerable) {
      const first = index.answer(q);
      expect(index.answer(q)).toEqual(first);
      expect(index.answer(q.toUpperCase())).toEqual(fresh(q.toUpperCase()));
      expect(index.answer(`  ${q}!!`)).toEqual(fresh(`  ${q}!!`));
    }
    // a caller changing an answer changes no later one
    const got = index.answer('refund policy?');
    if (got) got.answer = 'changed';
    expect(index.answer('refund policy?')?.answer).toMatch(/refund/);
    // beyond what it remembers, it still answers
    for (let i = 0; i < 1_500; i++) index.answer(`question number ${i} about nothing`);
    expect(index.answer('are you open on sunday?')?.answer).toMatch(/Sundays/);
  });
});

describe('the offline agent remembers what it read in a message', () => {
  it('answers a message the same each time, whatever the context that changes the answer', () => {
    const agent = new OfflineAgent({ faqMarkdown: FAQ });
    const fallback = agent.instant('tell me a joke', ctx()).text;
    const english = agent.instant('hello', ctx()).text;
    for (let round = 0; round < 2; round++) {
      expect(agent.instant('hello', ctx()).kind).toBe('reply');
      expect(agent.instant('are you open on sunday?', ctx()).text).toMatch(/Sundays/);
      expect(agent.instant('are you open on sunday?', { ...ctx(), awaitingTeam: true }).text).toMatch(/Sundays/);
      // "yes" after the fallback's offer is a request for a person; without the offer it is not
      expect(agent.instant('yes', ctx([{ author: 'ai', text: fallback }])).kind).toBe('handover');
      expect(agent.instant('yes', ctx()).kind).toBe('reply');
      // the channel's locale decides the language, not what was remembered of the text
      expect(agent.instant('hello', ctx([], 'es-ES')).text).not.toBe(agent.instant('hello', ctx()).text);
      expect(agent.instant('hello', ctx()).text).toBe(english);
    }
  });
});
