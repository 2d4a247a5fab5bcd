-- CreateTable
CREATE TABLE "SentPart" (
    "messageId" INTEGER NOT NULL,
    "index" INTEGER NOT NULL,
    "provider" TEXT NOT NULL,
    "providerMessageId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("messageId", "index"),
    CONSTRAINT "SentPart_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Conversation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "inboxId" INTEGER NOT NULL,
    "contactId" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "optedOut" BOOLEAN NOT NULL DEFAULT false,
    "assigneeId" TEXT,
    "closedBy" TEXT,
    "closedAt" DATETIME,
    "slackChannelId" TEXT,
    "slackThreadTs" TEXT,
    "lastInboundAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Conversation_inboxId_fkey" FOREIGN KEY ("inboxId") REFERENCES "Inbox" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Conversation_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
-- Opt-out moves from the contact to each of its conversations (inbox × contact), before Contact loses the column.
INSERT INTO "new_Conversation" ("assigneeId", "closedAt", "closedBy", "contactId", "createdAt", "id", "inboxId", "lastInboundAt", "optedOut", "slackChannelId", "slackThreadTs", "status", "updatedAt") SELECT c."assigneeId", c."closedAt", c."closedBy", c."contactId", c."createdAt", c."id", c."inboxId", c."lastInboundAt", COALESCE((SELECT ct."optedOut" FROM "Contact" ct WHERE ct."id" = c."contactId"), false), c."slackChannelId", c."slackThreadTs", c."status", c."updatedAt" FROM "Conversation" c;
DROP TABLE "Conversation";
ALTER TABLE "new_Conversation" RENAME TO "Conversation";
CREATE UNIQUE INDEX "Conversation_inboxId_contactId_key" ON "Conversation"("inboxId", "contactId");
CREATE UNIQUE INDEX "Conversation_slackChannelId_slackThreadTs_key" ON "Conversation"("slackChannelId", "slackThreadTs");
CREATE TABLE "new_Contact" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "displayName" TEXT,
    "avatarUrl" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Contact" ("address", "avatarUrl", "createdAt", "displayName", "id", "kind", "updatedAt") SELECT "address", "avatarUrl", "createdAt", "displayName", "id", "kind", "updatedAt" FROM "Contact";
DROP TABLE "Contact";
ALTER TABLE "new_Contact" RENAME TO "Contact";
CREATE UNIQUE INDEX "Contact_kind_address_key" ON "Contact"("kind", "address");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "SentPart_provider_providerMessageId_key" ON "SentPart"("provider", "providerMessageId");

-- Replies sent before parts were kept: their one recorded provider id becomes part 0.
INSERT INTO "SentPart" ("messageId", "index", "provider", "providerMessageId", "status", "createdAt")
SELECT "id", 0, "provider", "providerMessageId", "status", "updatedAt" FROM "Message"
WHERE "direction" = 'out' AND "providerMessageId" IS NOT NULL;
