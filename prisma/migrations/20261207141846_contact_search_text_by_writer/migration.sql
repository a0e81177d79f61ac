-- A writer may keep "searchText" itself: with `SET LOCAL baton.search_text_by_writer = on` in its transaction, the
-- search-text triggers do not fire for its statements (their WHEN is false: no plpgsql call, no email lookup), and it
-- must write every contact it creates or changes (names or email) with the text contact_search_text() makes of them.
-- The import does (contacts/import/batch-write.ts): a 100,000-row import paid ~115 µs a contact for the row trigger
-- and its email lookup, and the identifiers' trigger on top. Every other write path (Prisma, merges, raw SQL) leaves
-- the setting off and is kept by the triggers as before. current_setting(…, true) is NULL when the setting was never
-- made in the session, '' after a SET LOCAL's transaction ended: both fire.

DROP TRIGGER contact_search_text ON "Contact";
CREATE TRIGGER contact_search_text BEFORE INSERT OR UPDATE OF "firstName", "middleName", "lastName", "businessName"
  ON "Contact" FOR EACH ROW
  WHEN (current_setting('baton.search_text_by_writer', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION contact_search_text_of_contact();
ALTER TABLE "Contact" ENABLE ALWAYS TRIGGER contact_search_text;

DROP TRIGGER identifier_search_text_insert ON "Identifier";
DROP TRIGGER identifier_search_text_update ON "Identifier";
DROP TRIGGER identifier_search_text_delete ON "Identifier";
CREATE TRIGGER identifier_search_text_insert AFTER INSERT ON "Identifier" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT WHEN (current_setting('baton.search_text_by_writer', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION contact_search_text_of_identifiers();
CREATE TRIGGER identifier_search_text_update AFTER UPDATE ON "Identifier" REFERENCING OLD TABLE AS old_rows
  NEW TABLE AS new_rows FOR EACH STATEMENT WHEN (current_setting('baton.search_text_by_writer', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION contact_search_text_of_identifiers();
CREATE TRIGGER identifier_search_text_delete AFTER DELETE ON "Identifier" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT WHEN (current_setting('baton.search_text_by_writer', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION contact_search_text_of_identifiers();
ALTER TABLE "Identifier" ENABLE ALWAYS TRIGGER identifier_search_text_insert;
ALTER TABLE "Identifier" ENABLE ALWAYS TRIGGER identifier_search_text_update;
ALTER TABLE "Identifier" ENABLE ALWAYS TRIGGER identifier_search_text_delete;
