-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "awayRepliedUntil" TIMESTAMPTZ(3),
ADD COLUMN     "unansweredSince" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "TeamSettings" (
    "slackChannelId" TEXT NOT NULL,
    "hours" TEXT,
    "awayMessage" TEXT,
    "slaMinutes" INTEGER,
    "updatedBy" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TeamSettings_pkey" PRIMARY KEY ("slackChannelId")
);
