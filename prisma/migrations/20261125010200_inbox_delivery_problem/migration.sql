-- AlterTable
ALTER TABLE "Inbox" ADD COLUMN "deliveryProblem" TEXT;
