-- Partial indexes for many waiting conversations (issue 18, bench/waiting): the poller claims pending timers by
-- due time from an index that holds only pending ones (fired and cancelled timers pile up forever), and the console's
-- waiting queue reads the oldest waitingSince first from an index that holds only the conversations waiting for a
-- person (waitingSince is set exactly then).

-- DropIndex
DROP INDEX "DurableTimer_firedAt_cancelledAt_dueAt_idx";

-- CreateIndex
CREATE INDEX "Conversation_waiting_queue_idx" ON "Conversation"("businessId", "waitingSince", "createdAt", "id") WHERE ("waitingSince" IS NOT NULL);

-- CreateIndex
CREATE INDEX "DurableTimer_pending_dueAt_idx" ON "DurableTimer"("dueAt") WHERE ("firedAt" IS NULL AND "cancelledAt" IS NULL);
