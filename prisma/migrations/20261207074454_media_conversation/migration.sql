-- AlterTable
ALTER TABLE "MediaFile" ADD COLUMN "conversationId" INTEGER;

-- CreateIndex
CREATE INDEX "MediaFile_conversationId_idx" ON "MediaFile"("conversationId");
