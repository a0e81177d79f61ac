// Every query the runtime makes on conversations and messages (timers have theirs in timers.ts, a step's writes are in
// step-write.ts). Those that run for every message are SQL on the raw driver (`Sql`): a Prisma model query cost
// ~1.5 ms of CPU here, a Prisma raw query ~0.75 ms, the same statement on the driver ~0.3 ms.
// Functions taking a `Sql` named `tx` run inside a conversation's transaction; the others on their own.
import { newRowId, type Database, type Sql } from '../../prisma/index.ts';
import type { Author } from '../agent/types.ts';
import type { ConversationStatus } from '../conversation/index.ts';
import { agentFullName } from './agent-names.ts';
import { recentFromJson, recentMessagesJson, type RecentJson, type RecentMessage } from './history.ts';
import type { MessageView } from './events.ts';

export type LockedConversation = {
  id: string;
  businessId: string;
  channel: string;
  channelConversationId: string;
  contactId: string;
  status: ConversationStatus;
  assignedAgentId: string | null;
  snapshot: unknown;
  version: number;
  reference: unknown;
};

/** What the effects need of a conversation: where it is and how to reply on its channel. */
export type ConversationRef = Pick<LockedConversation, 'id' | 'businessId' | 'channel' | 'reference'>;

export interface ChannelKey {
  businessId: string;
  channel: string;
  channelConversationId: string;
}

/** A message row as the runtime writes it (step-write.ts). */
export interface NewMessage {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  author: Author;
  agentId: string | null;
  text: string;
  /** the channel's own id of a customer's message (its redeliveries are recognised by it) */
  channelMessageId: string | null;
  createdAt: Date;
}

interface MessageRow {
  id: string;
  direction: 'inbound' | 'outbound';
  author: Author;
  agentId: string | null;
  text: string;
  createdAt: Date;
  /** the agent who wrote it, when loaded (for the console's agentName) */
  agent?: { firstName: string; lastName: string } | null;
}

/** A message to write with a step; createdAt is the clock's, as Prisma's `now()` default was. */
export function newMessage(
  m: Omit<NewMessage, 'id' | 'createdAt' | 'agentId' | 'channelMessageId'> &
    Partial<Pick<NewMessage, 'agentId' | 'channelMessageId'>>,
): NewMessage {
  return {
    id: newRowId(),
    conversationId: m.conversationId,
    direction: m.direction,
    author: m.author,
    agentId: m.agentId ?? null,
    text: m.text,
    channelMessageId: m.channelMessageId ?? null,
    createdAt: new Date(),
  };
}

/** A conversation's row as the dispatch steps from it (LockedConversation). */
const CONVERSATION_COLUMNS = `id::text AS id, "businessId"::text AS "businessId", channel, "channelConversationId",
       "contactId"::text AS "contactId", status::text AS status, "assignedAgentId"::text AS "assignedAgentId",
       snapshot, version, reference`;
const CONVERSATION_ROW = `SELECT ${CONVERSATION_COLUMNS} FROM "Conversation" WHERE id = $1::uuid`;

/** Locks the conversation's row for this transaction: events of one conversation run one at a time, across instances. */
export async function lockConversation(tx: Sql, id: string): Promise<LockedConversation | null> {
  const rows = await tx.query<LockedConversation>(`${CONVERSATION_ROW} FOR UPDATE`, [id], { prepare: true });
  return rows[0] ?? null;
}

/**
 * The conversation's row as it is now, without a lock: a step computed from it is written only if the row is still
 * at its version (writeStep), so it is as safe as the locked way and one statement instead of BEGIN, lock, COMMIT.
 */
export async function readConversation(db: Sql, id: string): Promise<LockedConversation | null> {
  const rows = await db.query<LockedConversation>(CONVERSATION_ROW, [id], { prepare: true });
  return rows[0] ?? null;
}

/**
 * readConversation with the conversation's `keep` newest messages at that same version (oldest first), in one
 * statement: for a conversation another instance stepped last, whose history the AI's answer needs (before: the row,
 * then the messages with the version, two round trips). The messages are those recentMessages (history.ts) reads.
 */
export async function readConversationRecent(
  db: Sql,
  id: string,
  keep: number,
): Promise<{ conversation: LockedConversation; recent: RecentMessage[] } | null> {
  const rows = await db.query<LockedConversation & { recent: RecentJson }>(
    `SELECT ${CONVERSATION_COLUMNS}, ${recentMessagesJson('c.id', '$2')} AS recent
     FROM "Conversation" c WHERE id = $1::uuid`,
    [id, keep],
    { prepare: true },
  );
  const row = rows[0];
  if (!row) return null;
  const { recent, ...conversation } = row;
  return { conversation, recent: recentFromJson(recent) };
}

/** The `limit` messages before the newest one (the message being answered), oldest first. */
export async function historyBeforeLast(db: Sql, conversationId: string, limit: number) {
  const rows = await db.query<{ author: Author; text: string }>(
    `SELECT author::text AS author, text FROM "Message" WHERE "conversationId" = $1::uuid
     ORDER BY "createdAt" DESC, id DESC LIMIT $2`,
    [conversationId, limit + 1],
    { prepare: true },
  );
  return rows.slice(1).reverse();
}

export async function conversationRef(db: Database, id: string): Promise<ConversationRef | null> {
  return db.prisma.conversation.findUnique({
    where: { id },
    select: { id: true, businessId: true, channel: true, reference: true },
  });
}

export async function conversationState(db: Database, id: string) {
  return db.prisma.conversation.findUnique({ where: { id }, select: { status: true, contactId: true } });
}

/** The conversation follows its contact when that one was merged into another. */
export async function moveToContact(db: Database, id: string, contactId: string): Promise<void> {
  await db.prisma.conversation.update({ where: { id }, data: { contactId } });
}

export function messageView(m: MessageRow): MessageView {
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
