// The recent messages of a conversation as this instance last committed it, for an AI agent that answers at once
// (AiAgent.instant) in the step that stored the customer's message: the history it sees, without a query. Exact, not a
// guess: every message is written by a step (step-write.ts), every step moves the conversation's version by one, so a
// version has one set of messages; the history is kept at the version it was recorded at and trusted only at that
// version. Otherwise it is read again (recentMessages), with the version it was read at.
import type { Sql } from '../../prisma/index.ts';
import type { AgentContext, Author } from '../agent/types.ts';

export interface RecentMessage {
  id: string;
  /** epoch milliseconds (the column keeps milliseconds) */
  createdAt: number;
  author: Author;
  text: string;
}

/** A conversation's newest messages, oldest first, in the history's order: createdAt, then id. */
export type Recent = readonly RecentMessage[];

const earlier = (a: RecentMessage, b: RecentMessage) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The newest `keep` of `recent` and `added`: `recent` is the newest `keep` messages of the conversation (or all of
 * them), `added` the step's. Sorted, not appended: another instance's clock may have dated earlier messages later.
 */
export function withMessages(recent: Recent, added: readonly RecentMessage[], keep: number): Recent {
  if (added.length === 0) return recent;
  return [...recent, ...added].sort(earlier).slice(-keep);
}

/**
 * What the agent is given as AgentContext.history: the messages before the newest, as historyBeforeLast (store.ts)
 * reads them; `recent` holds the newest `limit + 1`.
 */
export function agentHistory(recent: Recent): AgentContext['history'] {
  return recent.slice(0, -1).map(({ author, text }) => ({ author, text }));
}

/** The newest messages as recentMessagesJson gives them: createdAt as epoch milliseconds. */
export type RecentJson = { id: string; at: number | string; author: Author; text: string }[];

/**
 * SQL for the newest `keep` messages of the conversation `conversationId` (both SQL expressions), oldest first, as one
 * JSON array (RecentJson): what recentMessages reads, and the statements that read the conversation's row with them
 * (store.ts readConversationRecent, the opening statement).
 */
export function recentMessagesJson(conversationId: string, keep: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('id', m.id::text,
      'at', floor(extract(epoch FROM m."createdAt") * 1000)::bigint, 'author', m.author::text, 'text', m.text)
      ORDER BY m."createdAt", m.id), '[]'::json)
    FROM (SELECT id, "createdAt", author, text FROM "Message" WHERE "conversationId" = ${conversationId}
          ORDER BY "createdAt" DESC, id DESC LIMIT ${keep}) m)`;
}

/** recentMessagesJson's array as the history keeps it. */
export function recentFromJson(rows: RecentJson): RecentMessage[] {
  return rows.map((m) => ({ id: m.id, createdAt: Number(m.at), author: m.author, text: m.text }));
}

/** The conversation's newest `keep` messages, and the version they are the messages of (one statement); null: gone. */
export async function recentMessages(
  sql: Sql,
  conversationId: string,
  keep: number,
): Promise<{ version: number; recent: Recent } | null> {
  const rows = await sql.query<{ version: number; recent: RecentJson }>(
    `SELECT c.version, ${recentMessagesJson('c.id', '$2')} AS recent FROM "Conversation" c WHERE c.id = $1::uuid`,
    [conversationId, keep],
    { prepare: true },
  );
  const row = rows[0];
  return row ? { version: row.version, recent: recentFromJson(row.recent) } : null;
}

/** What a message weighs in the memory's budget: its text, and about what the object around it costs. */
const weight = (recent: Recent) => recent.reduce((n, m) => n + m.text.length + 64, 0);

/**
 * The histories this instance knows, each at one version; bounded in conversations and in characters (the oldest
 * forgotten first), so that long messages cannot grow it without limit.
 */
export class RecentHistories {
  private readonly byConversation = new Map<string, { version: number; recent: Recent; weight: number }>();
  private total = 0;

  constructor(
    private readonly maxConversations: number,
    private readonly maxWeight: number,
  ) {}

  /** The history at exactly `version`, if known. */
  at(conversationId: string, version: number): Recent | undefined {
    const known = this.byConversation.get(conversationId);
    return known?.version === version ? known.recent : undefined;
  }

  /** Records the history at `version` (a committed one); an older version than the one known is ignored. */
  set(conversationId: string, version: number, recent: Recent): void {
    const had = this.byConversation.get(conversationId);
    if (had && had.version > version) return;
    this.delete(conversationId);
    const w = weight(recent);
    this.byConversation.set(conversationId, { version, recent, weight: w });
    this.total += w;
    while (this.byConversation.size > this.maxConversations || this.total > this.maxWeight) {
      const oldest = this.byConversation.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }

  delete(conversationId: string): void {
    const had = this.byConversation.get(conversationId);
    if (!had) return;
    this.total -= had.weight;
    this.byConversation.delete(conversationId);
  }
}
