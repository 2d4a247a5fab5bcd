-- CreateTable
CREATE TABLE "Snippet" (
    "slackChannelId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Snippet_pkey" PRIMARY KEY ("slackChannelId","name")
);

-- CreateTable
CREATE TABLE "ScheduledMessage" (
    "id" SERIAL NOT NULL,
    "conversationId" INTEGER NOT NULL,
    "slackChannelId" TEXT NOT NULL,
    "slackTs" TEXT NOT NULL,
    "threadTs" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "sendAt" TIMESTAMPTZ(3) NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'scheduled',
    "cancelledBy" TEXT,
    "noticeTs" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ScheduledMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ScheduledMessage_authorId_state_sendAt_idx" ON "ScheduledMessage"("authorId", "state", "sendAt");

-- CreateIndex
CREATE UNIQUE INDEX "ScheduledMessage_slackChannelId_slackTs_key" ON "ScheduledMessage"("slackChannelId", "slackTs");
