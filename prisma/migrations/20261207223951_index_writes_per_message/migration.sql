-- Fewer index entries written per message.
--
-- A step's UPDATE of "Conversation" (every message) changes "lastActivityAt". While it was a column of an index, no
-- such update could be HOT (heap-only): each one wrote a new entry into every index of the table. The lists that sort
-- by it ask for several statuses (open, mine), which that index could not return in its order, so it served only as
-- (businessId, status). The UPDATE now changes no indexed column on most steps.

-- DropIndex
DROP INDEX "Conversation_businessId_status_lastActivityAt_idx";

-- CreateIndex
CREATE INDEX "Conversation_businessId_status_idx" ON "Conversation"("businessId", "status");

-- Room on each page for the next version of its rows, so that a HOT update finds space on the same page (new pages
-- only: the rows already written stay where they are)
ALTER TABLE "Conversation" SET (fillfactor = 70);

-- The outbox's (doneAt, availableAt) index held every effect ever written (one a message at least), and marking an
-- effect done wrote a new entry into it. The worker only ever looks for pending effects: a partial index holds those,
-- and a done effect leaves it.

-- DropIndex
DROP INDEX "OutboxEffect_doneAt_availableAt_idx";

-- CreateIndex
CREATE INDEX "OutboxEffect_pending_availableAt_idx" ON "OutboxEffect"("availableAt") WHERE ("doneAt" IS NULL);
