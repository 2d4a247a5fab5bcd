-- CreateTable
CREATE TABLE "ConversationStart" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "slackUserId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "ConversationStart_slackUserId_createdAt_idx" ON "ConversationStart"("slackUserId", "createdAt");
