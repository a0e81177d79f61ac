-- Contact search in one column: "searchText" holds the names, the business name and the email of a contact,
-- lower-cased, one space apart. A search word (never holding whitespace) matches the column exactly when it matches
-- one of them, so one trigram index serves every word (several words: one index scan, whose trigram lists PostgreSQL
-- intersects), and the contact list can test a contact's match without a join (contacts/contacts/queries.ts).
-- Triggers keep it, so that every write path (Prisma, the import's COPY, merges, raw SQL) keeps it right. They are
-- ENABLE ALWAYS: the import writes with session_replication_role = replica, which skips ordinary triggers.

-- DropIndex
DROP INDEX "Contact_names_trgm_idx";

-- DropIndex
DROP INDEX "Identifier_email_trgm_idx";

-- AlterTable
ALTER TABLE "Contact" ADD COLUMN     "searchText" TEXT NOT NULL DEFAULT '';

-- The function bodies are E'' strings with \073 for each semicolon: Prisma's schema engine, through
-- @prisma/adapter-pg, runs a migration statement by statement, split at every semicolon, dollar quotes or not.

-- The planner chooses between walking the contact list's order index (many matches) and the trigram index (few) by
-- its estimate of a word's matches, which for LIKE '%word%' counts the word's hits in the column's histogram:
-- 1,000 entries (the default's 100 make a word held by 1 % of contacts anything from 0 to 3 %).
ALTER TABLE "Contact" ALTER COLUMN "searchText" SET STATISTICS 1000;

-- The text a contact is searched in.
CREATE FUNCTION contact_search_text(first text, middle text, last text, business text, email text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS E' SELECT lower(concat_ws(\' \', first, middle, last, business, email)) ';

-- A contact's names changed, or it is new: its searchText again, with its email. A new contact's identifiers usually
-- come after it (they refer to it) and their trigger completes the text, writing the row a second time: the import
-- writes a batch's identifiers first instead (contacts/import/batch-write.ts), so that its contacts are written once.
CREATE FUNCTION contact_search_text_of_contact() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  NEW."searchText" := contact_search_text(NEW."firstName", NEW."middleName", NEW."lastName", NEW."businessName",
    (SELECT i.value FROM "Identifier" i WHERE i."contactId" = NEW.id AND i.kind = \'email\'))\073
  RETURN NEW\073
END ';

CREATE TRIGGER contact_search_text BEFORE INSERT OR UPDATE OF "firstName", "middleName", "lastName", "businessName"
  ON "Contact" FOR EACH ROW EXECUTE FUNCTION contact_search_text_of_contact();
ALTER TABLE "Contact" ENABLE ALWAYS TRIGGER contact_search_text;

-- Emails added, changed or removed: their contacts' searchText again, one UPDATE a statement (an import's COPY of
-- 5,000 identifiers is one UPDATE, not 5,000), writing only the rows whose text changes.
CREATE FUNCTION contact_search_text_of_identifiers() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  ids uuid[]\073
BEGIN
  IF TG_OP = \'INSERT\' THEN
    SELECT array_agg(DISTINCT "contactId") INTO ids FROM new_rows WHERE kind = \'email\' AND "contactId" IS NOT NULL\073
  ELSIF TG_OP = \'DELETE\' THEN
    SELECT array_agg(DISTINCT "contactId") INTO ids FROM old_rows WHERE kind = \'email\' AND "contactId" IS NOT NULL\073
  ELSE
    SELECT array_agg(DISTINCT id) INTO ids FROM (
      SELECT "contactId" AS id FROM new_rows WHERE kind = \'email\'
      UNION ALL SELECT "contactId" FROM old_rows WHERE kind = \'email\') changed
    WHERE id IS NOT NULL\073
  END IF\073
  IF ids IS NULL THEN
    RETURN NULL\073
  END IF\073
  UPDATE "Contact" c SET "searchText" = t.text
  FROM (SELECT c2.id, contact_search_text(c2."firstName", c2."middleName", c2."lastName", c2."businessName",
          (SELECT i.value FROM "Identifier" i WHERE i."contactId" = c2.id AND i.kind = \'email\')) AS text
        FROM "Contact" c2 WHERE c2.id = ANY (ids)) t
  WHERE c.id = t.id AND c."searchText" IS DISTINCT FROM t.text\073
  RETURN NULL\073
END ';

CREATE TRIGGER identifier_search_text_insert AFTER INSERT ON "Identifier" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION contact_search_text_of_identifiers();
CREATE TRIGGER identifier_search_text_update AFTER UPDATE ON "Identifier" REFERENCING OLD TABLE AS old_rows
  NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_search_text_of_identifiers();
CREATE TRIGGER identifier_search_text_delete AFTER DELETE ON "Identifier" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION contact_search_text_of_identifiers();
ALTER TABLE "Identifier" ENABLE ALWAYS TRIGGER identifier_search_text_insert;
ALTER TABLE "Identifier" ENABLE ALWAYS TRIGGER identifier_search_text_update;
ALTER TABLE "Identifier" ENABLE ALWAYS TRIGGER identifier_search_text_delete;

-- The contacts already there.
UPDATE "Contact" c SET "searchText" = contact_search_text(c."firstName", c."middleName", c."lastName",
  c."businessName", (SELECT i.value FROM "Identifier" i WHERE i."contactId" = c.id AND i.kind = 'email'));

-- CreateIndex (the same small pending list as the other trigram indexes: migration *_contact_search_indexes)
CREATE INDEX "Contact_searchText_trgm_idx" ON "Contact" USING GIN ("searchText" gin_trgm_ops) WITH (gin_pending_list_limit = 256);
