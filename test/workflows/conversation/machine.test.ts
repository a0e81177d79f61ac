// Every transition of the conversation statechart, pure, with a simulated clock and no I/O.
import { describe, expect, it } from 'vitest';
import {
  persistedCopy,
  restoreConversation,
  startConversation,
  startedSnapshot,
  statusOf,
  stepConversation,
  wording,
  wordingFor,
} from '../../../workflows/conversation/index.ts';
import { extraction, found, none, SimulatedConversation } from '../support/simulator.ts';

const reply = (text: string) => ({ type: 'ai.replied', reply: { kind: 'reply', text } }) as const;
const handover = (text = 'Let me find a human for you.') =>
  ({ type: 'ai.replied', reply: { kind: 'handover', reason: 'customer_asked', text } }) as const;
const customer = (text: string) => ({ type: 'customer.message', text }) as const;
const save = (
  email: string | null,
  phone: string | null,
  name: { firstName: string; lastName: string | null } | null = null,
  replaces: { email: string | null; phone: string | null } = { email: null, phone: null },
) => ({ type: 'details.save', email, phone, name, replaces }) as const;
const saved = (email: string | null, phone: string | null) =>
  ({ type: 'details.saved', email, phone, outcome: 'updated' }) as const;

function toCapture(input: ConstructorParameters<typeof SimulatedConversation>[0] = {}) {
  const c = new SimulatedConversation(input);
  c.send(customer('human please'));
  c.send(handover());
  c.advance(120_000);
  expect(c.status).toBe('capture');
  return c;
}

describe('ai', () => {
  it('asks the AI agent to answer each customer message and sends its answer', () => {
    const c = new SimulatedConversation();
    expect(c.status).toBe('ai');
    const effects = c.send(customer('what are your opening hours?'));
    expect(effects).toContainEqual({ type: 'ai.reply', text: 'what are your opening hours?' });
    expect(effects).toContainEqual(expect.objectContaining({ type: 'timer.schedule', key: 'inactivity' }));
    expect(c.send(reply('9 to 5'))).toEqual([{ type: 'send', author: 'ai', text: '9 to 5' }]);
    expect(c.status).toBe('ai');
  });

  it('hands over: tells the customer, queues the conversation and schedules one durable timer', () => {
    const c = new SimulatedConversation({ handoverTimeoutMs: 30_000 });
    c.send(customer('can I talk to a person'));
    const effects = c.send(handover('A human is on the way.'));
    expect(c.status).toBe('waiting');
    expect(effects).toEqual([
      { type: 'send', author: 'ai', text: 'A human is on the way.' },
      { type: 'timer.schedule', key: 'handover:1', event: 'handover.timeout', delayMs: 30_000 },
      { type: 'agents.notify', reason: 'handover' },
    ]);
  });

  it('a claim in ai goes straight to human', () => {
    const c = new SimulatedConversation();
    c.send({ type: 'agent.claimed', agentId: 'a1' });
    expect(c.status).toBe('human');
    expect(c.context.agentId).toBe('a1');
  });
});

describe('waiting', () => {
  it('starts capture when the timer fires, not a moment before', () => {
    const c = new SimulatedConversation();
    c.send(customer('agent'));
    c.send(handover());
    expect(c.advance(119_999)).toEqual([]);
    expect(c.status).toBe('waiting');
    const effects = c.advance(1);
    expect(c.status).toBe('capture');
    expect(effects).toContainEqual({ type: 'send', author: 'ai', text: wording.askDetails(null) });
  });

  it('keeps the AI silent while waiting', () => {
    const c = new SimulatedConversation();
    c.send(customer('agent'));
    c.send(handover());
    const effects = c.send(customer('hello? anyone?'));
    expect(effects.map((e) => e.type)).toEqual(['timer.schedule']);
    expect(c.send(reply('late AI answer'))).toEqual([]);
    expect(c.status).toBe('waiting');
  });

  it('a human picking up before the timeout cancels the timer; the AI stays silent', () => {
    const c = new SimulatedConversation();
    c.send(customer('agent'));
    c.send(handover());
    const effects = c.send({ type: 'agent.claimed', agentId: 'a1' });
    expect(effects).toContainEqual({ type: 'timer.cancel', key: 'handover:1' });
    expect(c.status).toBe('human');
    c.advance(500_000);
    expect(c.status).toBe('human');
    expect(c.send(customer('thanks'))).not.toContainEqual(expect.objectContaining({ type: 'ai.reply' }));
    expect(c.send(reply('I am the AI'))).toEqual([]);
    expect(c.send({ type: 'agent.message', agentId: 'a1', text: 'Hi, Sam here' })).toContainEqual({
      type: 'send',
      author: 'agent',
      agentId: 'a1',
      text: 'Hi, Sam here',
    });
  });
});

describe('handover requested twice', () => {
  it('asking again while waiting starts no second timer, and the timer fires once', () => {
    const c = new SimulatedConversation();
    c.send(customer('human please'));
    c.send(handover());
    c.send(customer('HUMAN PLEASE'));
    expect([...c.timers.keys()].filter((k) => k.startsWith('handover'))).toEqual(['handover:1']);
    c.advance(120_000);
    expect(c.status).toBe('capture');
    const asks = c.sentTexts().filter((t) => t === wording.askDetails(null));
    expect(asks).toHaveLength(1);
    // the same timer delivered again (e.g. by a second instance) changes nothing
    expect(c.send({ type: 'handover.timeout', key: 'handover:1' })).toEqual([]);
  });

  it('asking again in follow-up queues nothing new', () => {
    const c = toCapture();
    c.send(customer('no thanks'));
    c.send(extraction(none, none, true));
    expect(c.status).toBe('followup');
    c.send(customer('can I speak to someone'));
    expect(c.send(handover())).toEqual([{ type: 'send', author: 'ai', text: wording.alreadyQueued }]);
    expect(c.status).toBe('followup');
    expect(c.context.handovers).toBe(1);
  });

  it('a stale timer of an earlier request is ignored', () => {
    const c = new SimulatedConversation();
    c.send(customer('human'));
    c.send(handover());
    expect(c.send({ type: 'handover.timeout', key: 'handover:0' })).toEqual([]);
    expect(c.status).toBe('waiting');
  });
});

describe('capture', () => {
  it('two messages: email first, phone later; each saved as soon as given; reads back what it saved', () => {
    const c = toCapture();
    expect(c.send(customer('jane.doe@example.com'))).toContainEqual({
      type: 'ai.extract',
      text: 'jane.doe@example.com',
      knownPhone: null,
    });
    expect(c.send(extraction(found('jane.doe@example.com'), none))).toEqual([save('jane.doe@example.com', null)]);
    expect(c.send(saved('jane.doe@example.com', null))).toEqual([
      { type: 'send', author: 'ai', text: wording.missingPhone },
    ]);
    c.send(customer('07911 123456'));
    expect(c.send(extraction(none, found('+447911123456')))).toEqual([save(null, '+447911123456')]);
    const done = c.send({
      type: 'details.saved',
      email: 'jane.doe@example.com',
      phone: '+447911123456',
      outcome: 'promoted',
    });
    expect(done[0]).toEqual({
      type: 'send',
      author: 'ai',
      text: wording.readBack('jane.doe@example.com', '+447911123456'),
    });
    expect(done).toContainEqual({ type: 'agents.notify', reason: 'followup' });
    expect(c.status).toBe('followup');
  });

  it('both details in one reply are saved at once', () => {
    const c = toCapture();
    c.send(customer("sure, it's jane.doe@example.com and 07911 123456"));
    expect(c.send(extraction(found('jane.doe@example.com'), found('+447911123456')))).toEqual([
      save('jane.doe@example.com', '+447911123456'),
    ]);
  });

  it('invalid and missing details are asked again, at most twice, then what is valid is saved', () => {
    const c = toCapture();
    c.send(customer('jane@@example'));
    const first = c.send(extraction({ status: 'invalid', raw: 'jane@@example', reason: 'no domain' }, none));
    expect(first).toEqual([
      {
        type: 'send',
        author: 'ai',
        text: `${wording.invalid('email', 'jane@@example', 'no domain')} ${wording.missingPhone}`,
      },
    ]);
    c.send(customer('07911 123456'));
    // the valid phone is saved at once, before the email is asked for again
    expect(c.send(extraction(none, found('+447911123456')))).toEqual([save(null, '+447911123456')]);
    expect(c.send(saved(null, '+447911123456'))).toEqual([{ type: 'send', author: 'ai', text: wording.missingEmail }]);
    c.send(customer('i dont know'));
    // the third answer is the last: no third re-ask; what was saved is read back
    expect(c.send(extraction(none, none))).toEqual([
      { type: 'send', author: 'ai', text: wording.readBack(null, '+447911123456') },
      { type: 'agents.notify', reason: 'followup' },
    ]);
    expect(c.context.capture.reasks).toBe(2);
  });

  it('nothing usable after two re-asks: thanks the customer, saves nothing, stays open', () => {
    const c = toCapture();
    for (let i = 0; i < 2; i++) {
      c.send(customer('hmm'));
      c.send(extraction(none, none));
      expect(c.status).toBe('capture');
    }
    c.send(customer('hmm'));
    expect(c.send(extraction(none, none))).toEqual([
      { type: 'send', author: 'ai', text: wording.noDetails },
      { type: 'agents.notify', reason: 'followup' },
    ]);
    expect(c.status).toBe('followup');
    expect(c.effects.some((e) => e.type === 'details.save')).toBe(false);
  });

  it('ambiguous: asks which one', () => {
    const c = toCapture();
    c.send(customer('a@x.com or b@y.com, 07911 123456'));
    expect(
      c.send(extraction({ status: 'ambiguous', options: ['a@x.com', 'b@y.com'] }, found('+447911123456'))),
    ).toEqual([save(null, '+447911123456')]);
    expect(c.send(saved(null, '+447911123456'))).toEqual([
      { type: 'send', author: 'ai', text: wording.ambiguous('email', ['a@x.com', 'b@y.com']) },
    ]);
    c.send(customer('the first'));
    expect(c.send(extraction(found('a@x.com'), none))).toEqual([save('a@x.com', null)]);
  });

  it('declined: thanks, saves nothing, goes to follow-up', () => {
    const c = toCapture();
    c.send(customer("I'd rather not"));
    expect(c.send(extraction(none, none, true))[0]).toEqual({ type: 'send', author: 'ai', text: wording.declined });
    expect(c.status).toBe('followup');
  });

  it('details held by a user are not saved: asks for another, then saves that', () => {
    const c = toCapture();
    c.send(customer('admin@example.com 07911 123456'));
    c.send(extraction(found('admin@example.com'), found('+447911123456')));
    // the phone of the same save is saved on its own, then another email is asked for
    expect(c.send({ type: 'details.refused', field: 'email' })).toEqual([save(null, '+447911123456')]);
    expect(c.send(saved(null, '+447911123456'))).toEqual([
      { type: 'send', author: 'ai', text: wording.refused('email') },
    ]);
    expect(c.status).toBe('capture');
    c.send(customer('jane@example.com'));
    expect(c.send(extraction(found('jane@example.com'), none))).toEqual([save('jane@example.com', null)]);
  });

  it('a merge into an existing contact reads back the same way', () => {
    const c = toCapture();
    c.send(customer('jane@example.com 07911 123456'));
    c.send(extraction(found('jane@example.com'), found('+447911123456')));
    c.send({ type: 'details.saved', email: 'jane@example.com', phone: '+447911123456', outcome: 'merged' });
    expect(c.sentTexts().at(-1)).toBe(wording.readBack('jane@example.com', '+447911123456'));
    expect(c.status).toBe('followup');
  });

  it('a failed save tells the customer a human will follow up', () => {
    const c = toCapture();
    c.send(customer('jane@example.com 07911 123456'));
    c.send(extraction(found('jane@example.com'), found('+447911123456')));
    c.send({ type: 'details.failed', reason: 'database down' });
    expect(c.status).toBe('followup');
    expect(c.sentTexts().at(-1)).toBe(wording.saveFailed);
  });

  it('on WhatsApp asks for the email and confirms the known number', () => {
    const c = toCapture({ channel: 'whatsapp', knownPhone: '+447911123456' });
    expect(c.sentTexts()).toContain(wording.askDetails('+447911123456'));
    c.send(customer('jane@example.com, yes that number is fine'));
    expect(c.send(extraction(found('jane@example.com'), found('+447911123456')))).toEqual([
      save('jane@example.com', null),
    ]);
    c.send({ type: 'details.saved', email: 'jane@example.com', phone: null, outcome: 'updated' });
    expect(c.sentTexts().at(-1)).toBe(wording.readBack('jane@example.com', '+447911123456'));
  });

  it('on WhatsApp a different number given is saved', () => {
    const c = toCapture({ channel: 'whatsapp', knownPhone: '+447911123456' });
    c.send(customer('jane@example.com, better call 07700 900123'));
    expect(c.send(extraction(found('jane@example.com'), found('+447700900123')))).toEqual([
      save('jane@example.com', '+447700900123'),
    ]);
  });

  it('an agent claiming during capture stops it: late extractions and saves are ignored', () => {
    const c = toCapture();
    c.send(customer('jane@example.com'));
    c.send({ type: 'agent.claimed', agentId: 'a1' });
    expect(c.status).toBe('human');
    expect(c.send(extraction(found('jane@example.com'), found('+447911123456')))).toEqual([]);
    expect(c.send(customer('07911 123456'))).not.toContainEqual(expect.objectContaining({ type: 'ai.extract' }));
  });

  it('an agent writing without claiming claims the conversation', () => {
    const c = toCapture();
    c.send({ type: 'agent.message', agentId: 'a2', text: 'Hi, I can help' });
    expect(c.status).toBe('human');
    expect(c.context.agentId).toBe('a2');
    expect(c.sentTexts().at(-1)).toBe('Hi, I can help');
  });
});

describe('followup', () => {
  it('the AI answers questions; an agent can still pick it up', () => {
    const c = toCapture();
    c.send(customer('no'));
    c.send(extraction(none, none, true));
    // each message is read first: nothing to correct, so the AI agent answers it, knowing a person will follow up
    expect(c.send(customer('what time do you open?'))).toContainEqual({
      type: 'ai.extract',
      text: 'what time do you open?',
      knownPhone: null,
    });
    expect(c.send({ ...extraction(none, none), text: 'what time do you open?' })).toEqual([
      { type: 'ai.reply', text: 'what time do you open?', awaitingTeam: true },
    ]);
    c.send(reply('9am'));
    c.send({ type: 'agent.claimed', agentId: 'a1' });
    expect(c.status).toBe('human');
  });
});

describe('corrections, names and refusals (issue 19)', () => {
  it('a correction after the read-back replaces the saved detail and is read back again', () => {
    const c = toCapture();
    c.send(customer('jo@gmail.com 07911 123456'));
    c.send(extraction(found('jo@gmail.com'), found('+447911123456')));
    c.send(saved('jo@gmail.com', '+447911123456'));
    expect(c.sentTexts().at(-1)).toBe(wording.readBack('jo@gmail.com', '+447911123456'));
    expect(c.sentTexts().at(-1)).toContain('Is that right?');
    c.send(customer("sorry, it's 07911 123465"));
    expect(c.send({ ...extraction(none, found('+447911123465')), text: "sorry, it's 07911 123465" })).toEqual([
      save(null, '+447911123465', null, { email: null, phone: '+447911123456' }),
    ]);
    expect(c.send(saved(null, '+447911123465'))).toEqual([
      { type: 'send', author: 'ai', text: wording.readBack('jo@gmail.com', '+447911123465') },
    ]);
    expect(c.status).toBe('followup');
  });

  it('a guest is asked for a name too; the name given is saved with the details', () => {
    const c = toCapture({ askName: true });
    expect(c.sentTexts()).toContain(wording.askDetails(null, true));
    expect(wording.askDetails(null, true)).toMatch(/your name, if you like/);
    c.send(customer("I'm Sam Baker, sam@baker.com, 07911 123456"));
    const name = { firstName: 'Sam', lastName: 'Baker' };
    expect(
      c.send({
        type: 'details.extracted',
        extraction: { email: found('sam@baker.com'), phone: found('+447911123456'), declined: false, name },
      }),
    ).toEqual([save('sam@baker.com', '+447911123456', name)]);
    c.send(saved('sam@baker.com', '+447911123456'));
    expect(c.sentTexts().at(-1)).toBe(wording.readBack('sam@baker.com', '+447911123456', 'Sam Baker'));
  });

  it('a refusal after one detail keeps it and asks nothing more', () => {
    const c = toCapture();
    c.send(customer('lee@lee.com'));
    c.send(extraction(found('lee@lee.com'), none));
    c.send(saved('lee@lee.com', null));
    c.send(customer("I'd rather keep my number private"));
    expect(c.send(extraction(none, none, true))).toEqual([
      { type: 'send', author: 'ai', text: wording.readBack('lee@lee.com', null) },
      { type: 'agents.notify', reason: 'followup' },
    ]);
    expect(c.status).toBe('followup');
  });

  it('after the save, a request for a person is answered with the follow-up, not another handover', () => {
    const c = toCapture();
    c.send(customer('jo@gmail.com 07911 123456'));
    c.send(extraction(found('jo@gmail.com'), found('+447911123456')));
    c.send(saved('jo@gmail.com', '+447911123456'));
    expect(c.send(handover())).toEqual([{ type: 'send', author: 'ai', text: wording.alreadyQueued }]);
    expect(wording.alreadyQueued).toMatch(/someone from the team will reply here/);
  });
});

describe('closed', () => {
  it.each(['ai', 'waiting', 'capture', 'followup', 'human'] as const)('an agent closes it from %s', (from) => {
    const c = new SimulatedConversation();
    if (from !== 'ai') {
      c.send(customer('human'));
      c.send(handover());
    }
    if (from === 'capture' || from === 'followup') c.advance(120_000);
    if (from === 'followup') {
      c.send(customer('no'));
      c.send(extraction(none, none, true));
    }
    if (from === 'human') c.send({ type: 'agent.claimed', agentId: 'a1' });
    expect(c.status).toBe(from);
    const effects = c.send({ type: 'agent.closed', agentId: 'a1' });
    expect(c.status).toBe('closed');
    expect(effects).toContainEqual({ type: 'timer.cancel', key: 'inactivity' });
    expect(c.timers.size).toBe(0);
    expect(c.send(customer('hello again'))).toEqual([]);
  });

  it('an agent closing tells the customer, in their language; closing during capture stops it', () => {
    const c = new SimulatedConversation({ lang: 'es' });
    c.send(customer('quiero hablar con una persona'));
    c.send(handover());
    c.advance(120_000);
    expect(c.status).toBe('capture');
    const effects = c.send({ type: 'agent.closed', agentId: 'a1' });
    expect(effects).toContainEqual({ type: 'send', author: 'system', text: wordingFor('es').closedByAgent });
    expect(c.timers.size).toBe(0);
    // the customer's answer after the close is not read as details
    expect(c.send(customer('jane@example.com'))).toEqual([]);
    const inactive = new SimulatedConversation({ inactivityTimeoutMs: 1000 });
    inactive.send(customer('hi'));
    expect(inactive.advance(1000)).not.toContainEqual(expect.objectContaining({ type: 'send' }));
    expect(inactive.status).toBe('closed');
  });

  it('a closed conversation is reopened for an agent, without messaging the customer', () => {
    const c = new SimulatedConversation();
    c.send(customer('human'));
    c.send(handover());
    c.send({ type: 'agent.closed', agentId: 'a1' });
    const effects = c.send({ type: 'agent.reopened', agentId: 'a2' });
    expect(c.status).toBe('human');
    expect(effects.filter((e) => e.type === 'send')).toEqual([]);
    expect(c.timers.has('inactivity')).toBe(true);
    expect(c.send({ type: 'agent.message', agentId: 'a2', text: 'back' })).toContainEqual(
      expect.objectContaining({ type: 'send', author: 'agent', agentId: 'a2' }),
    );
  });

  it('closes after the inactivity period, counted from the last message', () => {
    const c = new SimulatedConversation({ inactivityTimeoutMs: 60_000 });
    c.send(customer('hi'));
    c.advance(50_000);
    c.send(customer('still there?'));
    c.advance(50_000);
    expect(c.status).toBe('ai');
    c.advance(10_000);
    expect(c.status).toBe('closed');
  });
});

describe('language', () => {
  it("Baton's own texts follow the customer's language; a message that shows none keeps it", () => {
    const es = wordingFor('es');
    const c = new SimulatedConversation();
    c.send({ type: 'customer.message', text: 'quiero hablar con una persona', lang: 'es' });
    c.send(handover('Estoy buscando a una persona.'));
    c.advance(120_000);
    expect(c.sentTexts().at(-1)).toBe(es.askDetails(null));
    c.send({ type: 'customer.message', text: 'ana@example.com' });
    c.send(extraction(found('ana@example.com'), none));
    expect(c.send(saved('ana@example.com', null))).toEqual([{ type: 'send', author: 'ai', text: es.missingPhone }]);
    c.send({ type: 'customer.message', text: '07911 123456' });
    c.send(extraction(none, found('+447911123456')));
    c.send({ type: 'details.saved', email: 'ana@example.com', phone: '+447911123456', outcome: 'promoted' });
    expect(c.sentTexts().at(-1)).toBe(es.readBack('ana@example.com', '+447911123456'));
    expect(es.readBack('ana@example.com', '+447911123456')).not.toBe(
      wording.readBack('ana@example.com', '+447911123456'),
    );
  });
});

describe('transfer', () => {
  it('from the queue the customer is told a person joined; between agents nothing is said', () => {
    const c = new SimulatedConversation();
    c.send(customer('human'));
    c.send(handover());
    const first = c.send({ type: 'agent.transferred', agentId: 'a1' });
    expect(c.status).toBe('human');
    expect(first).toContainEqual({ type: 'send', author: 'system', text: wording.agentJoined });
    expect(c.timers.has('handover:1')).toBe(false);
    const second = c.send({ type: 'agent.transferred', agentId: 'a2' });
    expect(second.filter((e) => e.type === 'send')).toEqual([]);
    expect(second).toContainEqual({ type: 'agents.notify', reason: 'transferred' });
    expect(c.send({ type: 'agent.message', agentId: 'a2', text: 'hi' })).toContainEqual(
      expect.objectContaining({ author: 'agent', agentId: 'a2' }),
    );
  });
});

describe('start', () => {
  const input = {
    channel: 'msteams',
    knownPhone: null,
    askName: true,
    handoverTimeoutMs: 120_000,
    inactivityTimeoutMs: 86_400_000,
  };

  it('gives the same start for the same input, each caller its own copy (starts are remembered)', () => {
    const first = startConversation(input);
    (first.context.capture as unknown as Record<string, unknown>).mutated = true;
    first.persisted.context.handovers = 7;
    const second = startConversation(input);
    expect(second.context.capture).not.toHaveProperty('mutated');
    expect(second.persisted.context.handovers).toBe(0);
    expect(second).not.toBe(first);
  });

  it('tells inputs apart: another timeout or channel starts from its own input', () => {
    const a = startConversation(input);
    const b = startConversation({ ...input, handoverTimeoutMs: 60_000, channel: 'webchat' });
    expect(a.context.handoverTimeoutMs).toBe(120_000);
    expect(b.context.handoverTimeoutMs).toBe(60_000);
    expect(b.context.channel).toBe('webchat');
    expect(startConversation(input)).toEqual(a);
    expect(b.persisted.context).toMatchObject({ handoverTimeoutMs: 60_000, channel: 'webchat' });
  });
});

describe('statusOf', () => {
  it('is the top state, and refuses any other', () => {
    for (const status of ['ai', 'waiting', 'capture', 'followup', 'human', 'closed'])
      expect(statusOf(restoreConversation({ value: status, context: { handovers: 0, capture: {} } }))).toBe(status);
    expect(statusOf({ value: { capture: 'asking' } } as never)).toBe('capture');
    expect(() => statusOf({ value: 'elsewhere' } as never)).toThrow(/Invalid option/);
    expect(() => statusOf({ value: {} } as never)).toThrow();
  });
});

describe('startedSnapshot (a start as the database keeps it)', () => {
  it('is the start’s status and its persisted snapshot’s JSON, for every input, asked once or again', () => {
    for (const channel of ['webchat', 'emulator', 'whatsapp'])
      for (const knownPhone of [null, '+447911123456'])
        for (const askName of [true, false])
          for (const handoverTimeoutMs of [60_000, 120_000])
            for (let again = 0; again < 2; again++) {
              const input = { channel, knownPhone, askName, handoverTimeoutMs, inactivityTimeoutMs: 86_400_000 };
              const step = startConversation(input);
              expect(startedSnapshot(input)).toEqual({ status: step.status, json: JSON.stringify(step.persisted) });
            }
  });
});

describe('persistedCopy (a snapshot the machine gave, as the database gives it back)', () => {
  const start = startConversation({
    channel: 'webchat',
    knownPhone: null,
    askName: true,
    handoverTimeoutMs: 120_000,
    inactivityTimeoutMs: 86_400_000,
  });

  it('is frozen, and steps as a snapshot read from the database does', () => {
    const json = JSON.stringify(start.persisted);
    const copy = persistedCopy(json) as { context: { capture: object } };
    expect(Object.isFrozen(copy)).toBe(true);
    expect(Object.isFrozen(copy.context.capture)).toBe(true);
    // the same JSON, the same frozen copy
    expect(persistedCopy(json)).toBe(copy);
    expect(persistedCopy(`${json} `)).toEqual(copy);
    const event = { type: 'customer.message', text: 'hello', lang: 'en' } as const;
    const fromCopy = stepConversation(copy, event);
    const fromRow = stepConversation(JSON.parse(json), event);
    expect(fromCopy.persisted).toEqual(fromRow.persisted);
    expect(fromCopy.effects).toEqual(fromRow.effects);
    // the copy is unchanged, and steps again the same
    expect(JSON.stringify(copy)).toBe(json);
    expect(stepConversation(copy, event).persisted).toEqual(fromRow.persisted);
  });

  it('leaves the check to every other snapshot: one that is not ours still throws', () => {
    expect(() => restoreConversation({ value: 'ai', context: { handovers: 'x' } })).toThrow();
    expect(() => restoreConversation(JSON.parse('{"value":"ai"}'))).toThrow();
  });
});
