-- CreateTable
CREATE TABLE "CsatSetting" (
    "slackChannelId" TEXT NOT NULL,
    "question" TEXT,
    "updatedBy" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CsatSetting_pkey" PRIMARY KEY ("slackChannelId")
);

-- CreateTable
CREATE TABLE "CsatSurvey" (
    "id" SERIAL NOT NULL,
    "conversationId" INTEGER NOT NULL,
    "messageId" INTEGER NOT NULL,
    "slackChannelId" TEXT NOT NULL,
    "sentAt" TIMESTAMPTZ(3) NOT NULL,
    "score" INTEGER,
    "answeredAt" TIMESTAMPTZ(3),

    CONSTRAINT "CsatSurvey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CsatSurvey_conversationId_sentAt_idx" ON "CsatSurvey"("conversationId", "sentAt");

-- CreateIndex
CREATE INDEX "CsatSurvey_slackChannelId_answeredAt_idx" ON "CsatSurvey"("slackChannelId", "answeredAt");
