-- CreateTable
CREATE TABLE "ContactTag" (
    "contactId" INTEGER NOT NULL,
    "tag" TEXT NOT NULL,
    "createdBy" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContactTag_pkey" PRIMARY KEY ("contactId","tag")
);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" SERIAL NOT NULL,
    "inboxId" INTEGER NOT NULL,
    "slackChannelId" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "excluded" TEXT NOT NULL DEFAULT '{}',
    "progressTs" TEXT,
    "progressQueuedAt" BIGINT NOT NULL DEFAULT 0,
    "tick" INTEGER NOT NULL DEFAULT 0,
    "stoppedBy" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignRecipient" (
    "id" SERIAL NOT NULL,
    "campaignId" INTEGER NOT NULL,
    "contactId" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "notBefore" BIGINT NOT NULL,
    "attemptAt" BIGINT,
    "providerMessageId" TEXT,
    "error" TEXT,
    "sentAt" BIGINT,
    "quoted" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "CampaignRecipient_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ContactTag_tag_idx" ON "ContactTag"("tag");

-- CreateIndex
CREATE INDEX "CampaignRecipient_campaignId_status_notBefore_idx" ON "CampaignRecipient"("campaignId", "status", "notBefore");

-- CreateIndex
CREATE INDEX "CampaignRecipient_contactId_status_idx" ON "CampaignRecipient"("contactId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignRecipient_campaignId_contactId_key" ON "CampaignRecipient"("campaignId", "contactId");
