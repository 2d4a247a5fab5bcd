-- CreateTable
CREATE TABLE "AutoAssign" (
    "slackChannelId" TEXT NOT NULL PRIMARY KEY,
    "people" TEXT,
    "lastAssigneeId" TEXT,
    "updatedBy" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RotationPause" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "pausedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
