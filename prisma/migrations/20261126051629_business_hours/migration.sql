-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN "awayRepliedUntil" DATETIME;
ALTER TABLE "Conversation" ADD COLUMN "unansweredSince" DATETIME;

-- CreateTable
CREATE TABLE "Nudge" (
    "conversationId" INTEGER NOT NULL,
    "unansweredSince" DATETIME NOT NULL,
    "assigneeId" TEXT,
    "postedAt" DATETIME NOT NULL,

    PRIMARY KEY ("conversationId", "unansweredSince"),
    CONSTRAINT "Nudge_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TeamSettings" (
    "slackChannelId" TEXT NOT NULL PRIMARY KEY,
    "hours" TEXT,
    "awayMessage" TEXT,
    "slaMinutes" INTEGER,
    "updatedBy" TEXT,
    "updatedAt" DATETIME NOT NULL
);
