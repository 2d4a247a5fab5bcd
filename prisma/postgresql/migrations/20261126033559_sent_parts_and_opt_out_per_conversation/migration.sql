-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "optedOut" BOOLEAN NOT NULL DEFAULT false;

-- Opt-out moves from the contact to each of its conversations (inbox × contact), before Contact loses the column.
UPDATE "Conversation" c SET "optedOut" = ct."optedOut" FROM "Contact" ct WHERE ct."id" = c."contactId";

-- AlterTable
ALTER TABLE "Contact" DROP COLUMN "optedOut";

-- CreateTable
CREATE TABLE "SentPart" (
    "messageId" INTEGER NOT NULL,
    "index" INTEGER NOT NULL,
    "provider" TEXT NOT NULL,
    "providerMessageId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SentPart_pkey" PRIMARY KEY ("messageId","index")
);

-- CreateIndex
CREATE UNIQUE INDEX "SentPart_provider_providerMessageId_key" ON "SentPart"("provider", "providerMessageId");

-- AddForeignKey
ALTER TABLE "SentPart" ADD CONSTRAINT "SentPart_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Replies sent before parts were kept: their one recorded provider id becomes part 0.
INSERT INTO "SentPart" ("messageId", "index", "provider", "providerMessageId", "status", "createdAt")
SELECT "id", 0, "provider", "providerMessageId", "status", "updatedAt" FROM "Message"
WHERE "direction" = 'out' AND "providerMessageId" IS NOT NULL;
