-- An identifier is keyed by what it is: (businessId, kind, value). The surrogate uuid and its index go, and the unique
-- index that already held that key becomes the primary key as it is (no rebuild).
-- AlterTable
ALTER TABLE "Identifier" DROP CONSTRAINT "Identifier_pkey",
DROP COLUMN "id";

-- The index is renamed Identifier_pkey.
ALTER TABLE "Identifier" ADD CONSTRAINT "Identifier_pkey" PRIMARY KEY USING INDEX "Identifier_businessId_kind_value_key";
