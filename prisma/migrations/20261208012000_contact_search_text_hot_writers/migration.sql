-- A new guest cost two plpgsql calls of the search-text triggers (docs/performance.md, "The message path"): the
-- contact's BEFORE INSERT trigger with its email lookup, and the identifiers' statement-level INSERT trigger, whose
-- UPDATE … = ANY (ids) PostgreSQL planned again on every call (a custom plan for each array). That trigger also fired
-- for every opening statement that inserted no guest (a returning visitor). On the messages benchmark ~16 % of
-- PostgreSQL's CPU was in these triggers.
--
-- A statement may now write a new contact's searchText itself, for one contact it names: it sets
--   set_config('baton.search_text_written', <contact id> || ' ' || statement_timestamp()::text, true)
-- before it inserts that contact's email, and inserts the contact with contact_search_text() of its names and that
-- email (contacts/contacts/sender-ctes.ts: the opening statement's guest). Neither trigger is called for that contact
-- in that statement (their WHEN is false). The setting names the statement by its start (statement_timestamp()),
-- so it means nothing to any later statement, even in the same transaction. Every other write (Prisma, merges,
-- imports without baton.search_text_by_writer, raw SQL) is kept by the triggers as before.

-- The contact's trigger: for an INSERT unless its statement wrote the text, and for a change of names as before.
DROP TRIGGER contact_search_text ON "Contact";
CREATE TRIGGER contact_search_text_insert BEFORE INSERT ON "Contact" FOR EACH ROW
  WHEN (current_setting('baton.search_text_by_writer', true) IS DISTINCT FROM 'on'
    AND current_setting('baton.search_text_written', true) IS DISTINCT FROM NEW.id::text || ' ' || statement_timestamp()::text)
  EXECUTE FUNCTION contact_search_text_of_contact();
CREATE TRIGGER contact_search_text_names BEFORE UPDATE OF "firstName", "middleName", "lastName", "businessName"
  ON "Contact" FOR EACH ROW
  WHEN (current_setting('baton.search_text_by_writer', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION contact_search_text_of_contact();
ALTER TABLE "Contact" ENABLE ALWAYS TRIGGER contact_search_text_insert;
ALTER TABLE "Contact" ENABLE ALWAYS TRIGGER contact_search_text_names;

-- A new email: a row trigger, called only for a contact's email (no call for a phone, a user's email, an INSERT of
-- no row, or the contact its statement wrote), whose UPDATE of one contact by a scalar PostgreSQL plans once for the
-- connection (a generic plan). It writes the contact only when its text changes (not when the contact came after its
-- email: the contact's own trigger took the email). A bulk insert of emails without baton.search_text_by_writer
-- (the import's fallback when the database lowers ASCII unlike JavaScript) now makes one call a row.
CREATE FUNCTION contact_search_text_of_new_email() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "Contact" c SET "searchText" = t.text
  FROM (SELECT c2.id, contact_search_text(c2."firstName", c2."middleName", c2."lastName", c2."businessName",
          (SELECT i.value FROM "Identifier" i WHERE i."contactId" = c2.id AND i.kind = \'email\')) AS text
        FROM "Contact" c2 WHERE c2.id = NEW."contactId") t
  WHERE c.id = t.id AND c."searchText" IS DISTINCT FROM t.text\073
  RETURN NULL\073
END ';

DROP TRIGGER identifier_search_text_insert ON "Identifier";
CREATE TRIGGER identifier_search_text_insert AFTER INSERT ON "Identifier" FOR EACH ROW
  WHEN (NEW.kind = 'email' AND NEW."contactId" IS NOT NULL
    AND current_setting('baton.search_text_by_writer', true) IS DISTINCT FROM 'on'
    AND current_setting('baton.search_text_written', true) IS DISTINCT FROM NEW."contactId"::text || ' ' || statement_timestamp()::text)
  EXECUTE FUNCTION contact_search_text_of_new_email();
ALTER TABLE "Identifier" ENABLE ALWAYS TRIGGER identifier_search_text_insert;
