// A channel conversation's open conversation, found or opened in one statement. At most one conversation of a channel
// conversation is open (the unique index Conversation_open_channel_conversation_key), so opening one is an INSERT …
// ON CONFLICT DO NOTHING, with no lock: of two messages opening it at once, one inserts and the other, which waited
// for it on the index, finds it. A sender without a phone is resolved in the same statement (contacts' CTEs: the
// channel conversation's earlier contact, or a new guest written only with the conversation).
import { senderWithoutPhoneCtes, type SqlParam } from '../../contacts/index.ts';
import { newRowId, type Sql } from '../../prisma/index.ts';
import { persistedCopy, type ConversationStep } from '../conversation/index.ts';
import { recentFromJson, recentMessagesJson, type RecentJson, type RecentMessage } from './history.ts';
import type { ChannelKey, LockedConversation } from './store.ts';

export interface Opening {
  id: string;
  contactId: string;
  assignedAgentId: string | null;
  /** false: it was open already (found, or opened meanwhile by another message) */
  opened: boolean;
  /** opened: the new row as committed, for the dispatch's first step (version 0, the column's default) */
  created: LockedConversation | undefined;
  /**
   * found open by the statement: the row as it read it, with its newest messages at that version (`recentKeep`,
   * oldest first), so that the step after needs no read of its own (another instance stepped it last)
   */
  found?: { conversation: LockedConversation; recent: RecentMessage[] | undefined } | undefined;
}

export interface NewConversation extends ChannelKey {
  reference: Record<string, unknown>;
  /** the conversation machine's start as stored (startedSnapshot): for a guest (`askName`), or for a known contact */
  start: (askName: boolean) => Start;
  at: Date;
  /** a conversation found open comes back with its newest messages, this many (0: none) */
  recentKeep?: number;
}

/** The sender, when the caller resolved it (a phone's contact). */
export interface KnownSender {
  contactId: string;
  guest: boolean;
  assignedAgentId: string | null;
}

/** The unique index on the open conversation of a channel conversation (at most one: status <> 'closed'). */
export const OPEN_CONVERSATION_INDEX = 'Conversation_open_channel_conversation_key';

/** Tries before giving up when each statement found its conversation opened by another and closed again at once. */
const ATTEMPTS = 3;

/** PostgreSQL's unique_violation (pg and PGlite): here, a guest's random email already taken. */
const UNIQUE_VIOLATION = '23505';

/**
 * The open conversation of the channel conversation, or a new one: for `sender` when given, else for the channel
 * conversation's earlier contact (the same visitor writing again after a close), else for a new guest. One statement
 * (a follow-up query only when another message opened it at the same moment).
 */
export async function openConversation(db: Sql, conversation: NewConversation, sender?: KnownSender): Promise<Opening> {
  // each start computed once (a guest's and a known contact's: which one is decided in the statement)
  const starts = new Map<boolean, Start>();
  const started = (askName: boolean) => {
    let s = starts.get(askName);
    if (!s) starts.set(askName, (s = conversation.start(askName)));
    return s;
  };
  const c = { ...conversation, started };
  for (let attempt = 1; ; attempt++) {
    let row: OpenRow | undefined;
    try {
      row = await openStatement(db, c, sender);
    } catch (e) {
      // a new guest's pseudonymous email collided: drawn again
      if (!sender && (e as { code?: string } | null)?.code === UNIQUE_VIOLATION && attempt < ATTEMPTS) continue;
      throw e;
    }
    if (row) return opening(c, row);
    // another message opened it meanwhile (this INSERT waited for it on the index, then did nothing)
    const open = await findOpenConversation(db, c);
    if (open) return { ...open, assignedAgentId: null, opened: false, created: undefined };
    if (attempt >= ATTEMPTS) throw new Error('a conversation was neither found nor opened');
  }
}

/** The channel conversation's open conversation, if any (at most one: the unique index). */
export async function findOpenConversation(
  db: Sql,
  key: ChannelKey,
): Promise<{ id: string; contactId: string } | null> {
  const rows = await db.query<{ id: string; contactId: string }>(
    `SELECT id::text AS id, "contactId"::text AS "contactId" FROM "Conversation"
     WHERE "businessId" = $1::uuid AND channel = $2 AND "channelConversationId" = $3 AND status <> 'closed'`,
    [key.businessId, key.channel, key.channelConversationId],
    { prepare: true },
  );
  return rows[0] ?? null;
}

/** The open conversation of the same channel conversation as `conversationId`, other than it (null: none). */
export async function newerOpenConversation(db: Sql, conversationId: string): Promise<string | null> {
  const rows = await db.query<{ id: string }>(
    `SELECT o.id::text AS id FROM "Conversation" c JOIN "Conversation" o ON o."businessId" = c."businessId"
       AND o.channel = c.channel AND o."channelConversationId" = c."channelConversationId" AND o.status <> 'closed'
     WHERE c.id = $1::uuid AND o.id <> c.id`,
    [conversationId],
  );
  return rows[0]?.id ?? null;
}

/** A conversation's start as the statement writes it: its status and its snapshot's JSON. */
export type Start = { status: ConversationStep['status']; json: string };

/** A new conversation with its starts computed once (openConversation). */
type Opener = NewConversation & { started: (askName: boolean) => Start };

type OpenRow = {
  id: string;
  contactId: string;
  assignedAgentId: string | null;
  /** null: found open; else opened, for a guest or not */
  guest: boolean | null;
  /** found open: the rest of its row, and its newest messages (null when opened) */
  status: LockedConversation['status'] | null;
  agentId: string | null;
  snapshot: unknown;
  version: number | null;
  reference: Record<string, unknown> | null;
  recent: RecentJson | null;
};

/**
 * The open one, else the INSERT (with the sender's CTEs): no row when neither, i.e. the INSERT met another's open
 * conversation on the index, committed after this statement's snapshot was taken.
 */
async function openStatement(db: Sql, c: Opener, known: KnownSender | undefined) {
  const params: unknown[] = [];
  const $: SqlParam = (v) => {
    params.push(v);
    return `$${params.length}`;
  };
  const business = `${$(c.businessId)}::uuid`;
  const channel = $(c.channel);
  const channelConversationId = $(c.channelConversationId);
  const key = `"businessId" = ${business} AND channel = ${channel} AND "channelConversationId" = ${channelConversationId}`;
  const sender = known
    ? {
        resolve: `sender AS (SELECT ${$(known.contactId)}::uuid AS id, ${$(known.guest)}::boolean AS guest,
          ${$(known.assignedAgentId)}::uuid AS "assignedAgentId")`,
        write: () => '',
      }
    : senderWithoutPhoneCtes($, {
        businessId: c.businessId,
        channel: c.channel,
        previous: `(SELECT "contactId" FROM "Conversation" WHERE ${key} ORDER BY "createdAt" DESC, id DESC LIMIT 1)`,
        now: c.at,
      });
  // a known sender: its one start, whichever branch
  const guest = c.started(known ? known.guest : true);
  const other = known ? guest : c.started(false);
  const writes = sender.write('created');
  const rows = await db.query<OpenRow>(
    `WITH open AS (SELECT id, "contactId", status, "assignedAgentId", snapshot, version, reference FROM "Conversation"
       WHERE ${key} AND status <> 'closed'),
     ${sender.resolve},
     created AS (
       INSERT INTO "Conversation" (id, "businessId", channel, "channelConversationId", reference, "contactId",
         "assignedAgentId", status, snapshot, "lastActivityAt", "updatedAt")
       SELECT ${$(newRowId())}::uuid, ${business}, ${channel}, ${channelConversationId}, ${$(JSON.stringify(c.reference))}::jsonb,
         s.id, s."assignedAgentId",
         (CASE WHEN s.guest THEN ${$(guest.status)} ELSE ${$(other.status)} END)::"ConversationStatus",
         (CASE WHEN s.guest THEN ${$(guest.json)} ELSE ${$(other.json)} END)::jsonb,
         ${$(c.at.toISOString())}::timestamptz, ${$(new Date().toISOString())}::timestamptz
       FROM sender s WHERE NOT EXISTS (SELECT 1 FROM open)
       ON CONFLICT ("businessId", channel, "channelConversationId") WHERE status <> 'closed' DO NOTHING
       RETURNING id, "contactId", "assignedAgentId")${writes ? `,\n     ${writes}` : ''}
     SELECT o.id::text AS id, o."contactId"::text AS "contactId", NULL::text AS "assignedAgentId", NULL::boolean AS guest,
       o.status::text AS status, o."assignedAgentId"::text AS "agentId", o.snapshot, o.version, o.reference,
       ${recentMessagesJson('o.id', `${$(c.recentKeep ?? 0)}::int`)} AS recent
     FROM open o
     UNION ALL
     SELECT c.id::text, c."contactId"::text, c."assignedAgentId"::text, s.guest,
       NULL, NULL, NULL::jsonb, NULL::int, NULL::jsonb, NULL::json FROM created c CROSS JOIN sender s`,
    params,
    // of fixed shape (one text for a guest's opening, one for a known sender's): parsed and planned once a connection
    { prepare: true },
  );
  return rows[0];
}

function opening(c: Opener, row: OpenRow): Opening {
  const { id, contactId, assignedAgentId } = row;
  if (row.guest === null) {
    const found =
      row.status !== null && row.version !== null
        ? {
            conversation: {
              id,
              businessId: c.businessId,
              channel: c.channel,
              channelConversationId: c.channelConversationId,
              contactId,
              status: row.status,
              assignedAgentId: row.agentId,
              snapshot: row.snapshot,
              version: row.version,
              reference: row.reference ?? {},
            },
            // none asked for: unknown, not empty
            recent: c.recentKeep ? recentFromJson(row.recent ?? []) : undefined,
          }
        : undefined;
    return { id, contactId, assignedAgentId: null, opened: false, created: undefined, found };
  }
  const start = c.started(row.guest);
  const created: LockedConversation = {
    id,
    businessId: c.businessId,
    channel: c.channel,
    channelConversationId: c.channelConversationId,
    contactId,
    status: start.status,
    assignedAgentId,
    snapshot: persistedCopy(start.json),
    version: 0,
    reference: c.reference,
  };
  return { id, contactId, assignedAgentId, opened: true, created };
}
