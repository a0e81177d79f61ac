-- pg_trgm: trigram indexes for contact search (PGlite loads it through pgliteExtensions in prisma/pglite.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- The trigram indexes keep a small pending list (gin_pending_list_limit = 256 kB, default 4 MB): GIN queues new
-- entries unsorted until the list is full or a VACUUM comes, and every search scans the whole list. Measured on
-- PostgreSQL 15, 100,000 contacts: 460 pending pages made the index scans of a name search ~80 ms instead of ~1 ms, and without
-- a pending list (fastupdate = off) the inserts took 20.3 s instead of 3.0 s with 256 kB (2.2 s with 4 MB).
-- Baton does not rely on autovacuum to flush it.

-- DropIndex
DROP INDEX "Contact_businessId_status_createdAt_idx";

-- CreateIndex
CREATE INDEX "Contact_businessId_status_createdAt_id_idx" ON "Contact"("businessId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Contact_names_trgm_idx" ON "Contact" USING GIN ("firstName" gin_trgm_ops, "middleName" gin_trgm_ops, "lastName" gin_trgm_ops, "businessName" gin_trgm_ops) WITH (gin_pending_list_limit = 256);

-- CreateIndex
CREATE INDEX "Identifier_email_trgm_idx" ON "Identifier" USING GIN ("value" gin_trgm_ops) WITH (gin_pending_list_limit = 256) WHERE (kind = 'email');

-- CreateIndex
CREATE INDEX "Identifier_phone_trgm_idx" ON "Identifier" USING GIN ("value" gin_trgm_ops) WITH (gin_pending_list_limit = 256) WHERE (kind = 'phone');
