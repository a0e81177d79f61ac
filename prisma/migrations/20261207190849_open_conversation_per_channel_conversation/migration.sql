-- At most one open conversation per channel conversation. A customer's first message opens one with one statement,
-- INSERT … ON CONFLICT DO NOTHING on this index (workflows/runtime/open-conversation.ts), instead of a transaction around an
-- advisory lock. An agent's reopen next to a newer open conversation is refused by it (CONFLICT).
--
-- Before, the intake opened conversations under that advisory lock, so two open ones of one channel conversation
-- could only come from an agent reopening an old one while the customer opened a new one. Should a database hold
-- such a pair, the older ones are closed first, as the conversation machine closes one (status and snapshot closed,
-- closedAt set, no longer waiting, its pending timers cancelled), so that the index can be built.
WITH ranked AS (
  SELECT id, row_number() OVER (PARTITION BY "businessId", channel, "channelConversationId"
    ORDER BY "createdAt" DESC, id DESC) AS n
  FROM "Conversation" WHERE status <> 'closed'),
older AS (SELECT id FROM ranked WHERE n > 1),
timers AS (
  UPDATE "DurableTimer" SET "cancelledAt" = now()
  WHERE "conversationId" IN (SELECT id FROM older) AND "firedAt" IS NULL AND "cancelledAt" IS NULL)
UPDATE "Conversation" SET status = 'closed', "closedAt" = now(), "waitingSince" = NULL, version = version + 1,
  "updatedAt" = now(),
  snapshot = CASE WHEN jsonb_typeof(snapshot) = 'object' THEN jsonb_set(snapshot, '{value}', '"closed"') ELSE snapshot END
WHERE id IN (SELECT id FROM older);

-- CreateIndex
CREATE UNIQUE INDEX "Conversation_open_channel_conversation_key" ON "Conversation"("businessId", "channel", "channelConversationId") WHERE (status <> 'closed');
