// Reading conversations for the agents' console: the queues, and one conversation with its messages and contact.
import { z } from 'zod';
import { DomainError, displayName, getContactCard, type ContactCard } from '../../contacts/index.ts';
import type { Database, Prisma } from '../../prisma/index.ts';
import type { ConversationStatus } from '../conversation/index.ts';
import { agentFullName } from './agent-names.ts';
import { messageView } from './store.ts';
import type { MessageView } from './events.ts';

export const conversationQueues = ['waiting', 'mine', 'open', 'closed'] as const;
export type ConversationQueue = (typeof conversationQueues)[number];

export interface ConversationSummary {
  id: string;
  channel: string;
  status: ConversationStatus;
  contact: { id: string; displayName: string; status: 'guest' | 'active' | 'archived' };
  assignedAgentId: string | null;
  /** the agent who holds it, or the contact's assigned agent, with the name the console shows */
  assignedAgent: { id: string; name: string } | null;
  /** when it was handed over and not yet claimed (waiting, capture, followup); null otherwise */
  waitingSince: string | null;
  lastActivityAt: string;
  createdAt: string;
  closedAt: string | null;
  lastMessage: { author: MessageView['author']; text: string; createdAt: string } | null;
}

export interface ConversationDetail extends ConversationSummary {
  messages: MessageView[];
  contactCard: ContactCard;
}

/** Statuses where a human is still owed: handed over and not (yet) claimed. */
const NEEDS_HUMAN: ConversationStatus[] = ['waiting', 'capture', 'followup'];

function whereFor(queue: ConversationQueue, businessId: string, userId: string): Prisma.ConversationWhereInput {
  switch (queue) {
    case 'waiting':
      // waitingSince is set exactly while a human is owed (dispatch.ts); the condition lets the planner use the
      // waiting-queue index, which holds only those conversations (an enum cast of a parameter cannot prove it)
      return { businessId, status: { in: NEEDS_HUMAN }, waitingSince: { not: null } };
    case 'mine':
      return { businessId, assignedAgentId: userId, status: { not: 'closed' } };
    case 'open':
      return { businessId, status: { not: 'closed' } };
    case 'closed':
      return { businessId, status: 'closed' };
  }
}

const summaryInclude = {
  contact: { select: { id: true, firstName: true, middleName: true, lastName: true, nameUnknown: true, status: true } },
  assignedAgent: { select: { id: true, firstName: true, lastName: true } },
  messages: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 1 },
} as const satisfies Prisma.ConversationInclude;

type SummaryRow = Prisma.ConversationGetPayload<{ include: typeof summaryInclude }>;

function toSummary(c: SummaryRow): ConversationSummary {
  const last = c.messages[0];
  return {
    id: c.id,
    channel: c.channel,
    status: c.status,
    contact: { id: c.contact.id, displayName: displayName(c.contact), status: c.contact.status },
    assignedAgentId: c.assignedAgentId,
    assignedAgent: c.assignedAgent ? { id: c.assignedAgent.id, name: agentFullName(c.assignedAgent) } : null,
    waitingSince: c.waitingSince?.toISOString() ?? null,
    lastActivityAt: c.lastActivityAt.toISOString(),
    createdAt: c.createdAt.toISOString(),
    closedAt: c.closedAt?.toISOString() ?? null,
    lastMessage: last ? { author: last.author, text: last.text, createdAt: last.createdAt.toISOString() } : null,
  };
}

/**
 * waiting: handed over and not claimed (waiting, capture, follow-up), the ones assigned to `userId` first, then the
 * oldest waiting (waitingSince); mine: assigned to `userId` and open; open: not closed, latest activity first; closed: latest first.
 */
export async function listConversations(
  db: Database,
  q: { businessId: string; userId: string; queue: ConversationQueue; limit?: number },
): Promise<ConversationSummary[]> {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  const where = whereFor(q.queue, q.businessId, q.userId);
  const find = (
    extra: Prisma.ConversationWhereInput,
    take: number,
    orderBy: Prisma.ConversationOrderByWithRelationInput[],
  ) =>
    take > 0
      ? db.prisma.conversation.findMany({
          where: { AND: [where, extra] },
          include: summaryInclude,
          orderBy: [...orderBy, { id: 'asc' }],
          take,
        })
      : Promise.resolve([]);
  if (q.queue === 'waiting') {
    // a contact's assigned agent sees its conversations first — all of them, not only those on the page the oldest
    // waiting would fill; then the others, the oldest waiting first
    const byWait: Prisma.ConversationOrderByWithRelationInput[] = [{ waitingSince: 'asc' }, { createdAt: 'asc' }];
    const theirs = await find({ assignedAgentId: q.userId }, limit, byWait);
    const others = await find(
      { OR: [{ assignedAgentId: null }, { assignedAgentId: { not: q.userId } }] },
      limit - theirs.length,
      byWait,
    );
    return [...theirs, ...others].map(toSummary);
  }
  const rows = await find({}, limit, q.queue === 'closed' ? [{ closedAt: 'desc' }] : [{ lastActivityAt: 'desc' }]);
  return rows.map(toSummary);
}

/** One conversation of the business (NOT_FOUND otherwise), its last `messageLimit` messages and the contact card. */
export async function getConversation(
  db: Database,
  businessId: string,
  id: string,
  messageLimit = 500,
): Promise<ConversationDetail> {
  if (!z.uuid().safeParse(id).success) throw new DomainError('NOT_FOUND', 'no such conversation');
  const c = await db.prisma.conversation.findFirst({ where: { id, businessId }, include: summaryInclude });
  if (!c) throw new DomainError('NOT_FOUND', 'no such conversation');
  const messages = await db.prisma.message.findMany({
    where: { conversationId: id },
    include: { agent: { select: { firstName: true, lastName: true } } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: messageLimit,
  });
  return {
    ...toSummary(c),
    messages: messages.reverse().map(messageView),
    contactCard: await getContactCard(db, businessId, c.contactId),
  };
}

/** NOT_FOUND unless the conversation exists in this business. */
export async function assertConversationOf(db: Database, businessId: string, id: string): Promise<void> {
  if (!z.uuid().safeParse(id).success) throw new DomainError('NOT_FOUND', 'no such conversation');
  const c = await db.prisma.conversation.findFirst({ where: { id, businessId }, select: { id: true } });
  if (!c) throw new DomainError('NOT_FOUND', 'no such conversation');
}

export interface ConversationCounts {
  waiting: number;
  mine: number;
  open: number;
  closed: number;
}

/** How many conversations each queue holds for `userId` (the console's tab counts). */
export async function countConversations(
  db: Database,
  q: { businessId: string; userId: string },
): Promise<ConversationCounts> {
  const count = (queue: ConversationQueue) =>
    db.prisma.conversation.count({ where: whereFor(queue, q.businessId, q.userId) });
  const [waiting, mine, open, closed] = await Promise.all([
    count('waiting'),
    count('mine'),
    count('open'),
    count('closed'),
  ]);
  return { waiting, mine, open, closed };
}

/** A contact's conversations, newest first (NOT_FOUND unless the contact is of this business). */
export async function listContactConversations(
  db: Database,
  q: { businessId: string; contactId: string; limit?: number },
): Promise<ConversationSummary[]> {
  const contact = z.uuid().safeParse(q.contactId).success
    ? await db.prisma.contact.findFirst({ where: { id: q.contactId, businessId: q.businessId }, select: { id: true } })
    : null;
  if (!contact) throw new DomainError('NOT_FOUND', 'no such contact');
  const rows = await db.prisma.conversation.findMany({
    where: { businessId: q.businessId, contactId: q.contactId },
    include: summaryInclude,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(q.limit ?? 50, 1), 200),
  });
  return rows.map(toSummary);
}
