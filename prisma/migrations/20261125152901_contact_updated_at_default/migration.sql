-- The import's COPY leaves a new contact's times to the columns' defaults (one now() per batch) instead of sending
-- and parsing two timestamps a row.
-- AlterTable
ALTER TABLE "Contact" ALTER COLUMN "updatedAt" SET DEFAULT CURRENT_TIMESTAMP;
