-- CreateTable
CREATE TABLE "DailyReport" (
    "slackChannelId" TEXT NOT NULL,
    "time" TEXT NOT NULL,
    "lastPostedDay" TEXT,
    "lastJobId" INTEGER,
    "updatedBy" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DailyReport_pkey" PRIMARY KEY ("slackChannelId")
);
