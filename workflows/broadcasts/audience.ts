// Who a broadcast reaches: the active contacts having any (or all) of the chosen tags, each on the channel it can be
// reached on — WhatsApp for a phone while WhatsApp is connected, else the Bot Framework channel of its latest
// conversation that holds a reference — or skipped with the reason. One SQL statement decides it for every
// contact, for the counts shown before sending and for the queue written when the broadcast falls due.
import { Prisma, type Database } from '../../prisma/index.ts';

type Tx = Prisma.TransactionClient;

export const SKIP_REASONS = {
  opted_out: 'opted out of broadcasts',
  whatsapp_not_connected: 'has a phone, but WhatsApp is not connected, and no earlier chat on another channel',
  no_channel: 'no phone and no earlier chat to send it on',
} as const;
export type SkipReason = keyof typeof SKIP_REASONS;

export interface AudienceFilter {
  businessId: string;
  tagIds: string[];
  /** every tag (true) or any of them (false) */
  matchAll: boolean;
}

export interface AudienceCounts {
  total: number;
  reachable: { total: number; byChannel: Record<string, number> };
  unreachable: { total: number; byReason: Record<SkipReason, number> };
}

/**
 * The audience as rows of (contactId, channel, conversationId, skip): `channel` is null for a skipped contact.
 * `whatsapp` tells whether WhatsApp can send now.
 */
function audienceSql(f: AudienceFilter, whatsapp: boolean): Prisma.Sql {
  const tags = Prisma.sql`${f.tagIds}::uuid[]`;
  const tagged = f.matchAll
    ? Prisma.sql`SELECT "contactId" FROM "ContactTag" WHERE "tagId" = ANY(${tags})
        GROUP BY "contactId" HAVING count(*) = ${f.tagIds.length}`
    : Prisma.sql`SELECT DISTINCT "contactId" FROM "ContactTag" WHERE "tagId" = ANY(${tags})`;
  return Prisma.sql`
    WITH tagged AS (${tagged}),
    audience AS (
      SELECT c.id AS "contactId", c."broadcastOptOut" AS "optOut", v.id AS "conversationId", v.channel AS "via",
        EXISTS (SELECT 1 FROM "Identifier" i WHERE i."contactId" = c.id AND i.kind = 'phone') AS "hasPhone"
      FROM tagged t JOIN "Contact" c ON c.id = t."contactId"
      LEFT JOIN LATERAL (
        SELECT id, channel FROM "Conversation"
        WHERE "contactId" = c.id AND reference IS NOT NULL AND channel <> 'whatsapp'
        ORDER BY "lastActivityAt" DESC LIMIT 1) v ON true
      WHERE c."businessId" = ${f.businessId}::uuid AND c.status = 'active'
    )
    SELECT a."contactId",
      CASE WHEN a."optOut" THEN NULL
           WHEN ${whatsapp} AND a."hasPhone" THEN 'whatsapp'
           ELSE a.via END AS channel,
      CASE WHEN a."optOut" OR (${whatsapp} AND a."hasPhone") THEN NULL ELSE a."conversationId" END AS "conversationId",
      CASE WHEN a."optOut" THEN 'opted_out'
           WHEN ${whatsapp} AND a."hasPhone" THEN NULL
           WHEN a."conversationId" IS NOT NULL THEN NULL
           WHEN a."hasPhone" THEN 'whatsapp_not_connected'
           ELSE 'no_channel' END AS skip
    FROM audience a`;
}

export async function countAudience(db: Database, f: AudienceFilter, whatsapp: boolean): Promise<AudienceCounts> {
  const rows = await db.prisma.$queryRaw<{ channel: string | null; skip: SkipReason | null; n: bigint }[]>`
    SELECT channel, skip, count(*) AS n FROM (${audienceSql(f, whatsapp)}) x GROUP BY channel, skip`;
  const counts: AudienceCounts = {
    total: 0,
    reachable: { total: 0, byChannel: {} },
    unreachable: { total: 0, byReason: { opted_out: 0, whatsapp_not_connected: 0, no_channel: 0 } },
  };
  for (const r of rows) {
    const n = Number(r.n);
    counts.total += n;
    if (r.skip) {
      counts.unreachable.total += n;
      counts.unreachable.byReason[r.skip] += n;
    } else if (r.channel) {
      counts.reachable.total += n;
      counts.reachable.byChannel[r.channel] = (counts.reachable.byChannel[r.channel] ?? 0) + n;
    }
  }
  return counts;
}

/** One reachable contact of the audience, to preview the message for (the first by id). */
export async function sampleRecipient(db: Database, f: AudienceFilter, whatsapp: boolean): Promise<string | null> {
  const rows = await db.prisma.$queryRaw<{ contactId: string }[]>`
    SELECT "contactId" FROM (${audienceSql(f, whatsapp)}) x WHERE skip IS NULL ORDER BY "contactId" LIMIT 1`;
  return rows[0]?.contactId ?? null;
}

/** Writes the queue: one recipient row per contact of the audience, queued or skipped with its reason. */
export async function queueRecipients(
  tx: Tx,
  broadcastId: string,
  f: AudienceFilter,
  whatsapp: boolean,
  now: Date,
): Promise<number> {
  const reasons = Prisma.sql`jsonb_build_object(
    'opted_out', ${SKIP_REASONS.opted_out}::text,
    'whatsapp_not_connected', ${SKIP_REASONS.whatsapp_not_connected}::text,
    'no_channel', ${SKIP_REASONS.no_channel}::text)`;
  return tx.$executeRaw`
    INSERT INTO "BroadcastRecipient" (id, "broadcastId", "contactId", channel, "conversationId", status, reason, "updatedAt")
    SELECT gen_random_uuid(), ${broadcastId}::uuid, x."contactId", x.channel, x."conversationId",
      (CASE WHEN x.skip IS NULL THEN 'queued' ELSE 'skipped' END)::"BroadcastRecipientStatus",
      ${reasons} ->> x.skip, ${now}
    FROM (${audienceSql(f, whatsapp)}) x
    ON CONFLICT ("broadcastId", "contactId") DO NOTHING`;
}
