-- CreateTable
CREATE TABLE "AutoAssign" (
    "slackChannelId" TEXT NOT NULL,
    "people" TEXT,
    "lastAssigneeId" TEXT,
    "updatedBy" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AutoAssign_pkey" PRIMARY KEY ("slackChannelId")
);

-- CreateTable
CREATE TABLE "RotationPause" (
    "userId" TEXT NOT NULL,
    "pausedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RotationPause_pkey" PRIMARY KEY ("userId")
);
