-- An identifier belongs to a contact or to a user: each holder index now holds only its own rows, not one entry of
-- nulls for every identifier of the other kind (an import of 1M contacts wrote ~1.9M of them into the users' index).
-- DropIndex
DROP INDEX "Identifier_contactId_kind_key";

-- DropIndex
DROP INDEX "Identifier_userId_kind_key";

-- CreateIndex
CREATE UNIQUE INDEX "Identifier_contactId_kind_key" ON "Identifier"("contactId", "kind") WHERE ("contactId" IS NOT NULL);

-- CreateIndex
CREATE UNIQUE INDEX "Identifier_userId_kind_key" ON "Identifier"("userId", "kind") WHERE ("userId" IS NOT NULL);
