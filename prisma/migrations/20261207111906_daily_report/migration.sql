-- CreateTable
CREATE TABLE "DailyReport" (
    "slackChannelId" TEXT NOT NULL PRIMARY KEY,
    "time" TEXT NOT NULL,
    "lastPostedDay" TEXT,
    "lastJobId" INTEGER,
    "updatedBy" TEXT,
    "updatedAt" DATETIME NOT NULL
);
