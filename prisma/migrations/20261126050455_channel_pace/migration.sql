-- CreateTable
CREATE TABLE "ChannelPace" (
    "channelId" TEXT NOT NULL PRIMARY KEY,
    "nextAt" BIGINT NOT NULL,
    "slotAt" BIGINT NOT NULL,
    "granted" BOOLEAN NOT NULL
);
