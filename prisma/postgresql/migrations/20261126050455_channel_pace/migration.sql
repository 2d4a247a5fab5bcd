-- CreateTable
CREATE TABLE "ChannelPace" (
    "channelId" TEXT NOT NULL,
    "nextAt" BIGINT NOT NULL,
    "slotAt" BIGINT NOT NULL,
    "granted" BOOLEAN NOT NULL,

    CONSTRAINT "ChannelPace_pkey" PRIMARY KEY ("channelId")
);
