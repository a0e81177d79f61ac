-- CreateTable
CREATE TABLE "OutboxEffect" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "conversationId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "availableAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedBy" TEXT,
    "claimedUntil" TIMESTAMPTZ(3),
    "doneAt" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OutboxEffect_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OutboxEffect_doneAt_availableAt_idx" ON "OutboxEffect"("doneAt", "availableAt");

-- CreateIndex
CREATE INDEX "OutboxEffect_conversationId_seq_idx" ON "OutboxEffect"("conversationId", "seq");

-- AddForeignKey
ALTER TABLE "OutboxEffect" ADD CONSTRAINT "OutboxEffect_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
