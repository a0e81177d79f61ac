// Every query the runtime makes on conversations and messages (timers have theirs in timers.ts). Those that run for
// every message are SQL (Prisma's raw queries): a model query cost ~2× the CPU of the same raw one here.
// Functions taking `Tx` run inside a conversation's transaction; those taking `Database` run on their own.
import type { Database, Prisma } from '../../prisma/index.ts';
import type { Author } from '../agent/types.ts';
import type { ConversationStatus, PersistedConversation } from '../conversation/index.ts';
import { agentFullName } from './agent-names.ts';
import type { MessageView } from './events.ts';

type Tx = Prisma.TransactionClient;
type Json = Prisma.InputJsonValue;

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

/** What the effects need of a conversation: where it is and how to reply on its channel. */
export type ConversationRef = Pick<LockedConversation, 'id' | 'businessId' | 'channel' | 'reference'>;

export interface ChannelKey {
  businessId: string;
  channel: string;
  channelConversationId: string;
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

const clientOf = (db: Database | Tx) => ('prisma' in db ? db.prisma : db);

/** Locks the conversation's row for this transaction: events of one conversation run one at a time, across instances. */
export async function lockConversation(tx: Tx, id: string): Promise<LockedConversation | null> {
  const rows = await tx.$queryRaw<LockedConversation[]>`
    SELECT id, "businessId", channel, "contactId", status::text AS status, "assignedAgentId", snapshot, version, reference
    FROM "Conversation" WHERE id = ${id}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

export async function findOpenConversation(db: Database | Tx, key: ChannelKey) {
  const rows = await clientOf(db).$queryRaw<{ id: string; contactId: string }[]>`
    SELECT id::text AS id, "contactId"::text AS "contactId" FROM "Conversation"
    WHERE "businessId" = ${key.businessId}::uuid AND channel = ${key.channel}
      AND "channelConversationId" = ${key.channelConversationId} AND status <> 'closed'
    ORDER BY "createdAt" DESC LIMIT 1`;
  return rows[0] ?? null;
}

/**
 * The channel conversation's open conversation, or else the contact of its latest one (the same webchat visitor, the
 * same chat): a customer writing again after a close continues as the same contact (guest or not), never a new guest.
 * One statement: open ones first, then the newest.
 */
export async function findOpenOrPrevious(
  db: Database,
  key: ChannelKey,
): Promise<{ open: { id: string; contactId: string } | null; previousContactId: string | undefined }> {
  const rows = await db.prisma.$queryRaw<{ id: string; contactId: string; closed: boolean }[]>`
    SELECT id::text AS id, "contactId"::text AS "contactId", status = 'closed' AS closed FROM "Conversation"
    WHERE "businessId" = ${key.businessId}::uuid AND channel = ${key.channel}
      AND "channelConversationId" = ${key.channelConversationId}
    ORDER BY status = 'closed', "createdAt" DESC, id DESC LIMIT 1`;
  const row = rows[0];
  if (!row) return { open: null, previousContactId: undefined };
  if (row.closed) return { open: null, previousContactId: row.contactId };
  return { open: { id: row.id, contactId: row.contactId }, previousContactId: row.contactId };
}

/** Serializes the opening of a conversation for one channel conversation (a transaction-scoped advisory lock). */
export async function lockChannelConversation(tx: Tx, key: ChannelKey): Promise<void> {
  const name = `${key.businessId}|${key.channel}|${key.channelConversationId}`;
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${name}, 0))::text AS locked`;
}

export async function createConversation(
  tx: Tx,
  c: ChannelKey & {
    reference: Record<string, unknown>;
    contactId: string;
    assignedAgentId: string | null;
    status: ConversationStatus;
    persisted: PersistedConversation;
    at: Date;
  },
) {
  return tx.conversation.create({
    data: {
      businessId: c.businessId,
      channel: c.channel,
      channelConversationId: c.channelConversationId,
      reference: c.reference as Json,
      contactId: c.contactId,
      assignedAgentId: c.assignedAgentId,
      status: c.status,
      snapshot: c.persisted as unknown as Json,
      lastActivityAt: c.at,
    },
    select: { id: true, contactId: true, assignedAgentId: true },
  });
}

/**
 * Saves a step's snapshot, if the row is still at `version` (the row lock makes a change impossible; the version
 * check keeps it impossible if the lock is ever dropped). False: someone changed it meanwhile. One statement, in SQL:
 * it runs for every event, and the reference a customer's message brings rides along (no second UPDATE).
 */
export async function saveStep(
  tx: Tx,
  s: {
    id: string;
    version: number;
    persisted: PersistedConversation;
    status: ConversationStatus;
    assignedAgentId: string | null;
    at: Date;
    lastActivityAt?: Date | undefined;
    /** a date: it closed now; null: it was reopened */
    closedAt?: Date | null | undefined;
    /** a date: it started waiting for a human now; null: it no longer waits */
    waitingSince?: Date | null | undefined;
    /** the latest reference the channel gave, when it changed */
    reference?: Record<string, unknown> | undefined;
  },
): Promise<boolean> {
  const updated = await tx.$executeRaw`
    UPDATE "Conversation" SET
      snapshot = ${JSON.stringify(s.persisted)}::jsonb,
      status = ${s.status}::text::"ConversationStatus",
      version = version + 1,
      "assignedAgentId" = ${s.assignedAgentId}::uuid,
      "updatedAt" = ${s.at}::timestamptz,
      "lastActivityAt" = COALESCE(${s.lastActivityAt ?? null}::timestamptz, "lastActivityAt"),
      "closedAt" = CASE WHEN ${s.closedAt !== undefined} THEN ${s.closedAt ?? null}::timestamptz ELSE "closedAt" END,
      "waitingSince" = CASE WHEN ${s.waitingSince !== undefined} THEN ${s.waitingSince ?? null}::timestamptz
        ELSE "waitingSince" END,
      reference = COALESCE(${s.reference === undefined ? null : JSON.stringify(s.reference)}::jsonb, reference)
    WHERE id = ${s.id}::uuid AND version = ${s.version}`;
  return updated === 1;
}

/** The channel already handed over this message (a redelivery). */
export async function isRedelivery(tx: Tx, conversationId: string, channelMessageId: string): Promise<boolean> {
  const seen = await tx.$queryRaw<unknown[]>`
    SELECT 1 AS seen FROM "Message"
    WHERE "conversationId" = ${conversationId}::uuid AND "channelMessageId" = ${channelMessageId}
      AND direction = 'inbound'
    LIMIT 1`;
  return seen.length > 0;
}

export async function storeMessage(
  tx: Tx,
  m: {
    conversationId: string;
    direction: 'inbound' | 'outbound';
    author: Author;
    text: string;
    agentId?: string | null | undefined;
    channelMessageId?: string | null | undefined;
  },
): Promise<MessageRow> {
  const data = {
    conversationId: m.conversationId,
    direction: m.direction,
    author: m.author,
    agentId: m.agentId ?? null,
    text: m.text,
    channelMessageId: m.channelMessageId ?? null,
  };
  // an agent's message carries the agent's name to the console (a join only for those)
  if (m.agentId)
    return tx.message.create({ data, include: { agent: { select: { firstName: true, lastName: true } } } });
  return tx.message.create({ data });
}

/** The `limit` messages before the newest one (the message being answered), oldest first. */
export async function historyBeforeLast(db: Database, conversationId: string, limit: number) {
  const rows = await db.prisma.$queryRaw<{ author: Author; text: string }[]>`
    SELECT author::text AS author, text FROM "Message" WHERE "conversationId" = ${conversationId}::uuid
    ORDER BY "createdAt" DESC, id DESC LIMIT ${limit + 1}`;
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
