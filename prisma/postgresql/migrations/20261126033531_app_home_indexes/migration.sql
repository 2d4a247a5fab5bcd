-- CreateIndex
CREATE INDEX "Conversation_assigneeId_status_idx" ON "Conversation"("assigneeId", "status");

-- CreateIndex
CREATE INDEX "Conversation_inboxId_status_assigneeId_idx" ON "Conversation"("inboxId", "status", "assigneeId");
