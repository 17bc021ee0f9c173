-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "videoOneToOneAllowed" BOOLEAN NOT NULL DEFAULT false;

