// A business with agents, a deterministic test agent, a recording gateway and a simulated clock.
import type { Logger } from 'pino';
import { pino } from 'pino';
import { createBusiness } from '../../../contacts/index.ts';
import type { Database } from '../../../prisma/index.ts';
import type { AiAgent, DetailExtraction, DetailFinding } from '../../../workflows/agent/types.ts';
import type { ChannelGateway, InboundMessage, OutboundMessage, TypingTarget } from '../../../workflows/contracts.ts';

export const silentLogger: Logger = pino({ level: 'silent' });

let n = 0;

export async function makeBusiness(
  db: Database,
  opts: { handoverTimeoutSeconds?: number; inactivityTimeoutSeconds?: number } = {},
) {
  const i = ++n;
  const slug = `biz-${process.pid}-${i}-${Math.random().toString(36).slice(2, 7)}`;
  const { business, admin } = await createBusiness(db, {
    name: `Shop ${i}`,
    slug,
    country: 'GB',
    admin: { email: `admin@${slug}.test`, password: 'correct horse battery' },
  });
  await db.prisma.business.update({
    where: { id: business.id },
    data: {
      handoverTimeoutSeconds: opts.handoverTimeoutSeconds ?? 120,
      inactivityTimeoutSeconds: opts.inactivityTimeoutSeconds ?? 86_400,
    },
  });
  const agent = async (name: string) =>
    db.prisma.user.create({
      data: {
        businessId: business.id,
        role: 'agent',
        firstName: name,
        lastName: 'Agent',
        passwordHash: 'x',
        identifiers: {
          create: { businessId: business.id, kind: 'email', value: `${name.toLowerCase()}@${slug}.test` },
        },
      },
    });
  return { business, admin, slug, sam: await agent('Sam'), kim: await agent('Kim') };
}

/** A tiny deterministic agent (an injected dependency, not a fake of a server): enough to drive the runtime. */
export const testAgent: AiAgent = {
  name: 'test',
  async reply(message) {
    if (/\b(human|person|agent)\b/i.test(message))
      return { kind: 'handover', reason: 'customer_asked', text: 'Let me find someone for you.' };
    return { kind: 'reply', text: `You said: ${message}` };
  },
  async extractDetails(message, ctx): Promise<DetailExtraction> {
    const emails = message.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g) ?? [];
    const digits = message.match(/\+?\d[\d ]{8,}\d/g) ?? [];
    const email: DetailFinding = emails[0] ? { status: 'found', value: emails[0].toLowerCase() } : { status: 'none' };
    let phone: DetailFinding = { status: 'none' };
    if (digits[0]) {
      const d = digits[0].replace(/ /g, '');
      phone = { status: 'found', value: d.startsWith('+') ? d : `+44${d.replace(/^0/, '')}` };
    } else if (ctx.knownPhone && /\byes\b/i.test(message)) phone = { status: 'found', value: ctx.knownPhone };
    return { email, phone, declined: /\b(no thanks|rather not)\b/i.test(message) };
  },
};

export class RecordingGateway implements ChannelGateway {
  readonly sent: OutboundMessage[] = [];
  readonly typings: TypingTarget[] = [];
  async send(message: OutboundMessage) {
    this.sent.push(message);
  }
  async typing(target: TypingTarget) {
    this.typings.push(target);
  }
  texts(conversationId?: string) {
    return this.sent.filter((m) => !conversationId || m.conversationId === conversationId).map((m) => m.text);
  }
}

export class Clock {
  constructor(public t = Date.parse('2026-01-05T10:00:00Z')) {}
  now = () => new Date(this.t);
  advance(seconds: number) {
    this.t += seconds * 1000;
  }
}

export function inbound(
  businessId: string,
  chat: string,
  text: string,
  extra: Partial<InboundMessage> = {},
): InboundMessage {
  return {
    businessId,
    channel: 'webchat',
    channelConversationId: chat,
    reference: { conversation: { id: chat } },
    sender: {},
    text,
    ...extra,
  };
}
