-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "waitingSince" TIMESTAMPTZ(3);

-- Conversations already waiting: their last change is the best estimate of when they were handed over.
UPDATE "Conversation" SET "waitingSince" = "lastActivityAt" WHERE status IN ('waiting', 'capture', 'followup');
