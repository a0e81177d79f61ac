-- Audit changes are stored as written (json): jsonb parsed every event at ~3 µs a row (an import writes one per
-- contact), and nothing queries inside them.
-- AlterTable
ALTER TABLE "AuditEvent" ALTER COLUMN "changes" SET DATA TYPE JSON;
