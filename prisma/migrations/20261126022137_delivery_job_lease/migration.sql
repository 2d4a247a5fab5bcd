-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_DeliveryJob" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "lane" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "runAt" BIGINT NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "leaseOwner" TEXT,
    "leaseUntil" BIGINT NOT NULL DEFAULT 0,
    "uncertain" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
-- Before leases, an attempt that started and recorded no outcome (attempts > 0, no error) was interrupted.
INSERT INTO "new_DeliveryJob" ("attempts", "createdAt", "id", "kind", "lane", "lastError", "payload", "runAt", "state", "updatedAt", "uncertain") SELECT "attempts", "createdAt", "id", "kind", "lane", "lastError", "payload", "runAt", "state", "updatedAt", ("attempts" > 0 AND "lastError" IS NULL) FROM "DeliveryJob";
DROP TABLE "DeliveryJob";
ALTER TABLE "new_DeliveryJob" RENAME TO "DeliveryJob";
CREATE INDEX "DeliveryJob_state_runAt_idx" ON "DeliveryJob"("state", "runAt");
CREATE INDEX "DeliveryJob_lane_state_id_idx" ON "DeliveryJob"("lane", "state", "id");
CREATE INDEX "DeliveryJob_state_id_idx" ON "DeliveryJob"("state", "id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
