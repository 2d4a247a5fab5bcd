-- CreateTable
CREATE TABLE "CsatSetting" (
    "slackChannelId" TEXT NOT NULL PRIMARY KEY,
    "question" TEXT,
    "updatedBy" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CsatSurvey" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "conversationId" INTEGER NOT NULL,
    "messageId" INTEGER NOT NULL,
    "slackChannelId" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,
    "score" INTEGER,
    "answeredAt" DATETIME
);

-- CreateIndex
CREATE INDEX "CsatSurvey_conversationId_sentAt_idx" ON "CsatSurvey"("conversationId", "sentAt");

-- CreateIndex
CREATE INDEX "CsatSurvey_slackChannelId_answeredAt_idx" ON "CsatSurvey"("slackChannelId", "answeredAt");
