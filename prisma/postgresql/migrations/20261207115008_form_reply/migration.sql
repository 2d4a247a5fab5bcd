-- CreateTable
CREATE TABLE "FormReply" (
    "slackChannelId" TEXT NOT NULL,
    "formKey" TEXT NOT NULL,
    "conversationId" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FormReply_pkey" PRIMARY KEY ("slackChannelId","formKey")
);

-- CreateIndex
CREATE INDEX "FormReply_conversationId_idx" ON "FormReply"("conversationId");
