-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "awayRepliedUntil" TIMESTAMPTZ(3),
ADD COLUMN     "unansweredSince" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "Nudge" (
    "conversationId" INTEGER NOT NULL,
    "unansweredSince" TIMESTAMPTZ(3) NOT NULL,
    "assigneeId" TEXT,
    "postedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Nudge_pkey" PRIMARY KEY ("conversationId","unansweredSince")
);

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

-- AddForeignKey
ALTER TABLE "Nudge" ADD CONSTRAINT "Nudge_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
