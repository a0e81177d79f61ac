-- DropIndex
DROP INDEX "DurableTimer_firedAt_cancelledAt_dueAt_idx";

-- CreateIndex
CREATE INDEX "Conversation_waiting_queue_idx" ON "Conversation"("businessId", "waitingSince", "createdAt", "id") WHERE (status IN ('waiting', 'capture', 'followup'));

-- CreateIndex
CREATE INDEX "DurableTimer_pending_dueAt_idx" ON "DurableTimer"("dueAt") WHERE ("firedAt" IS NULL AND "cancelledAt" IS NULL);
