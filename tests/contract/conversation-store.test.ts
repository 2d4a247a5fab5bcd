import { describe, expect, it } from "vitest";
import { testDatabase } from "../unit/core/harness.js";
import { conversationStoreContract } from "./conversation-store.contract.js";
import { retentionContract } from "./retention.contract.js";
import { sharedRowsContract } from "./shared-rows.contract.js";

conversationStoreContract("SQLite", testDatabase);
retentionContract("SQLite", testDatabase);
sharedRowsContract("SQLite", testDatabase);

describe("SQLite: Prisma's transactions on the shared connection", () => {
  it("gives the connection back when one rolls back, so the group commit goes on", async () => {
    const db = await testDatabase();
    try {
      const contact = await db.prisma.contact.create({ data: { kind: "sms", address: "+15557654321" } });
      await expect(
        db.prisma.$transaction(async (tx) => {
          await tx.contact.update({ where: { id: contact.id }, data: { displayName: "rolled back" } });
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      expect(db.connection.db.inTransaction).toBe(false);
      await db.queue.enqueue([
        { lane: "slack:1", kind: "slack.updateParent", payload: { conversationId: 1 } },
      ]);
      expect((await db.queue.stats()).depth.pending).toBe(1);
    } finally {
      await db.close();
    }
  });
});
