-- CreateIndex
CREATE INDEX "DeliveryJob_state_id_idx" ON "DeliveryJob"("state", "id");
