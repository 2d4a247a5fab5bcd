-- AlterTable
ALTER TABLE "Inbox" ADD COLUMN "connectedAt" DATETIME;

-- CreateTable
CREATE TABLE "PastThread" (
    "slackChannelId" TEXT NOT NULL,
    "slackThreadTs" TEXT NOT NULL,
    "conversationId" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("slackChannelId", "slackThreadTs"),
    CONSTRAINT "PastThread_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
