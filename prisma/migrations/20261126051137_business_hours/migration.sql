-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN "awayRepliedUntil" DATETIME;
ALTER TABLE "Conversation" ADD COLUMN "unansweredSince" DATETIME;

-- CreateTable
CREATE TABLE "TeamSettings" (
    "slackChannelId" TEXT NOT NULL PRIMARY KEY,
    "hours" TEXT,
    "awayMessage" TEXT,
    "slaMinutes" INTEGER,
    "updatedBy" TEXT,
    "updatedAt" DATETIME NOT NULL
);
