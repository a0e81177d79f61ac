-- AlterTable
ALTER TABLE "Contact" ADD COLUMN     "nameUnknown" BOOLEAN NOT NULL DEFAULT false;
