-- CreateTable
CREATE TABLE "MediaFile" (
    "token" TEXT NOT NULL PRIMARY KEY,
    "contentType" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "bytes" BLOB NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "MediaFile_expiresAt_idx" ON "MediaFile"("expiresAt");
