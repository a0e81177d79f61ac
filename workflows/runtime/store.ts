// Conversation rows: find the open one for a channel conversation, open a new one, lock one for an event.
import type { Database, Prisma } from '../../prisma/index.ts';
import type { ConversationStatus } from '../conversation/index.ts';
import { agentFullName } from './agent-names.ts';
import type { MessageView } from './events.ts';

type Tx = Prisma.TransactionClient;

export interface LockedConversation {
  id: string;
  businessId: string;
  channel: string;
  contactId: string;
  status: ConversationStatus;
  assignedAgentId: string | null;
  snapshot: unknown;
  version: number;
  reference: unknown;
}

/** Locks the conversation's row for this transaction: events of one conversation run one at a time, across instances. */
export async function lockConversation(tx: Tx, id: string): Promise<LockedConversation | null> {
  const rows = await tx.$queryRaw<LockedConversation[]>`
    SELECT id, "businessId", channel, "contactId", status::text AS status, "assignedAgentId", snapshot, version, reference
    FROM "Conversation" WHERE id = ${id}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

export async function findOpenConversation(
  db: Database | Tx,
  key: { businessId: string; channel: string; channelConversationId: string },
) {
  const client = 'prisma' in db ? db.prisma : db;
  return client.conversation.findFirst({
    where: { ...key, status: { not: 'closed' } },
    orderBy: { createdAt: 'desc' },
    select: { id: true, contactId: true },
  });
}

/**
 * The contact of the latest earlier conversation of this channel conversation (the same webchat visitor, the same
 * chat): a customer writing again after a close continues as the same contact (guest or not), never a new guest.
 */
export async function findPreviousContact(
  db: Database,
  key: { businessId: string; channel: string; channelConversationId: string },
): Promise<string | undefined> {
  const last = await db.prisma.conversation.findFirst({
    where: key,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { contactId: true },
  });
  return last?.contactId;
}

/** Serializes the opening of a conversation for one channel conversation (a transaction-scoped advisory lock). */
export async function lockChannelConversation(tx: Tx, key: string): Promise<void> {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))::text AS locked`;
}

export function messageView(m: {
  id: string;
  direction: 'inbound' | 'outbound';
  author: 'customer' | 'ai' | 'agent' | 'system';
  agentId: string | null;
  text: string;
  createdAt: Date;
  agent?: { firstName: string; lastName: string } | null;
}): MessageView {
  return {
    id: m.id,
    direction: m.direction,
    author: m.author,
    agentId: m.agentId,
    agentName: m.agent ? agentFullName(m.agent) : null,
    text: m.text,
    createdAt: m.createdAt.toISOString(),
  };
}
