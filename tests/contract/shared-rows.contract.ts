import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeliveryQueue } from "../../src/core/ports/queue.js";
import type { ConversationStore } from "../../src/core/ports/store.js";
import type { PrismaClient } from "../support/prisma.js";

export interface RowsUnderTest {
  readonly store: ConversationStore;
  readonly queue: DeliveryQueue;
  /** A Prisma Client of the test's own on the same database (both generated clients have this API: one schema). */
  readonly prisma: PrismaClient;
  close(): Promise<void>;
}

/** Rows written by the prepared statements read the same through Prisma Client, and the other way round. */
export function sharedRowsContract(name: string, open: () => Promise<RowsUnderTest>): void {
  describe(`${name}: the hot path and Prisma Client share rows`, () => {
    let db: RowsUnderTest;
    let prisma: PrismaClient;

    beforeEach(async () => {
      db = await open();
      prisma = db.prisma;
    });

    afterEach(async () => {
      await db.close();
    });

    it("Prisma reads what the prepared statements wrote: dates, JSON, booleans, enums", async () => {
      const receivedAt = new Date("2026-11-26T09:15:30.123Z");
      const attachments = [
        { url: "https://media.example/1", contentType: "image/jpeg", name: "a.jpg", size: 12 },
      ];
      const outcome = await db.store.recordInbound(
        {
          kind: "messenger",
          inboxAddress: "1234567890",
          contactAddress: "PSID1",
          providerMessageId: "m_1",
          text: "héllo <&>",
          attachments,
          receivedAt,
        },
        () => ({ conversation: { lastInboundAt: receivedAt, optedOut: true }, jobs: () => [] }),
      );
      if (outcome.result !== "recorded") throw new Error("not recorded");
      const message = await prisma.message.findUniqueOrThrow({ where: { id: outcome.messageId } });
      expect(message).toMatchObject({
        body: "héllo <&>",
        provider: "messenger",
        status: "received",
        direction: "in",
      });
      expect(message.createdAt).toEqual(receivedAt);
      expect(JSON.parse(message.attachments)).toEqual(attachments);
      const conversation = await prisma.conversation.findUniqueOrThrow({
        where: { id: outcome.conversationId },
      });
      expect(conversation.lastInboundAt).toEqual(receivedAt);
      expect(conversation.optedOut).toBe(true);
      expect(conversation.updatedAt).toBeInstanceOf(Date);

      await db.queue.enqueue([
        { lane: "slack:1", kind: "slack.updateParent", payload: { conversationId: 1 } },
      ]);
      const job = await prisma.deliveryJob.findFirstOrThrow();
      expect(job).toMatchObject({ state: "pending", runAt: 0n, uncertain: false, leaseOwner: null });
      expect(JSON.parse(job.payload)).toEqual({ conversationId: 1 });
    });

    it("the prepared statements read what Prisma wrote, and not what its transactions rolled back", async () => {
      const closedAt = new Date("2026-11-26T12:00:00.000Z");
      const inbox = await prisma.inbox.create({
        data: { kind: "sms", address: "+15550001111", slackChannelId: "C1" },
      });
      const contact = await prisma.contact.create({
        data: { kind: "sms", address: "+15557654321" },
      });
      const conversation = await prisma.conversation.create({
        data: {
          inboxId: inbox.id,
          contactId: contact.id,
          status: "closed",
          optedOut: true,
          closedAt,
          closedBy: "U1",
        },
      });
      const context = await db.store.conversationContext(conversation.id);
      expect(context?.conversation).toMatchObject({
        status: "closed",
        optedOut: true,
        closedAt,
        closedBy: "U1",
      });
      expect(context?.inbox.connectedAt).toBeNull();

      await expect(
        prisma.$transaction(async (tx) => {
          await tx.contact.update({ where: { id: contact.id }, data: { displayName: "rolled back" } });
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      expect((await db.store.conversationContext(conversation.id))?.contact.displayName).toBeNull();
    });
  });
}
