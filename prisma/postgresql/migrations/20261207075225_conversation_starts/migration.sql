-- CreateTable
CREATE TABLE "ConversationStart" (
    "id" SERIAL NOT NULL,
    "slackUserId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ConversationStart_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ConversationStart_slackUserId_createdAt_idx" ON "ConversationStart"("slackUserId", "createdAt");
