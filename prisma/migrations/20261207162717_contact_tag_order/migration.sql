-- ?tag=: a tag's contacts newest first, from one index. ContactTag holds a copy of its contact's status and createdAt,
-- and (tagId, contactStatus, contactCreatedAt, contactId) lists a page of a tag's contacts in the contact list's order
-- and keyset cursor, reading a page's entries and no more. Before, a page walked the business's contacts newest
-- first and looked each one up in ContactTag (~60 contacts a page for a tag on 1.7 % of them), or sorted all of the
-- tag's contacts (docs/performance.md). The old index on tagId alone is the new one's first column.
ALTER TABLE "ContactTag" ADD COLUMN     "contactCreatedAt" TIMESTAMPTZ(3),
ADD COLUMN     "contactStatus" "ContactStatus";

UPDATE "ContactTag" ct SET "contactStatus" = c.status, "contactCreatedAt" = c."createdAt"
  FROM "Contact" c WHERE c.id = ct."contactId";

DROP INDEX "ContactTag_tagId_idx";
CREATE INDEX "ContactTag_tagId_contactStatus_contactCreatedAt_contactId_idx" ON "ContactTag"("tagId", "contactStatus", "contactCreatedAt", "contactId");

-- Kept by triggers (ENABLE ALWAYS: the import writes under session_replication_role = replica):
-- a link written without them (Prisma's createMany, merges) takes its contact's, a link moved to another contact
-- takes the new one's. A writer that gives them itself (the import, in one INSERT … SELECT joining Contact) skips the
-- trigger (its WHEN is false: no plpgsql call).
CREATE FUNCTION contact_tag_order_of_link() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  SELECT c.status, c."createdAt" INTO NEW."contactStatus", NEW."contactCreatedAt"
    FROM "Contact" c WHERE c.id = NEW."contactId"\073
  RETURN NEW\073
END ';
CREATE TRIGGER contact_tag_order_insert BEFORE INSERT ON "ContactTag" FOR EACH ROW
  WHEN (NEW."contactStatus" IS NULL OR NEW."contactCreatedAt" IS NULL)
  EXECUTE FUNCTION contact_tag_order_of_link();
CREATE TRIGGER contact_tag_order_update BEFORE UPDATE OF "contactId" ON "ContactTag" FOR EACH ROW
  WHEN (OLD."contactId" IS DISTINCT FROM NEW."contactId")
  EXECUTE FUNCTION contact_tag_order_of_link();
ALTER TABLE "ContactTag" ENABLE ALWAYS TRIGGER contact_tag_order_insert;
ALTER TABLE "ContactTag" ENABLE ALWAYS TRIGGER contact_tag_order_update;

-- A contact archived, restored, saved from a guest (or its createdAt changed): its links follow. Only rows whose
-- status or createdAt changed call the function (the WHEN is checked without it).
CREATE FUNCTION contact_tag_order_of_contact() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "ContactTag" SET "contactStatus" = NEW.status, "contactCreatedAt" = NEW."createdAt"
    WHERE "contactId" = NEW.id\073
  RETURN NULL\073
END ';
CREATE TRIGGER contact_tag_order AFTER UPDATE OF status, "createdAt" ON "Contact" FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt")
  EXECUTE FUNCTION contact_tag_order_of_contact();
ALTER TABLE "Contact" ENABLE ALWAYS TRIGGER contact_tag_order;
