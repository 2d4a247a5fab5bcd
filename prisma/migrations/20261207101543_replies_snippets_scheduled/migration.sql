-- CreateTable
CREATE TABLE "Snippet" (
    "slackChannelId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("slackChannelId", "name")
);

-- CreateTable
CREATE TABLE "ScheduledMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "conversationId" INTEGER NOT NULL,
    "slackChannelId" TEXT NOT NULL,
    "slackTs" TEXT NOT NULL,
    "threadTs" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "sendAt" DATETIME NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'scheduled',
    "cancelledBy" TEXT,
    "noticeTs" TEXT,
    "createdAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "ScheduledMessage_authorId_state_sendAt_idx" ON "ScheduledMessage"("authorId", "state", "sendAt");

-- CreateIndex
CREATE UNIQUE INDEX "ScheduledMessage_slackChannelId_slackTs_key" ON "ScheduledMessage"("slackChannelId", "slackTs");
