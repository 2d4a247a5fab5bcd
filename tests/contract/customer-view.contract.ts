import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChannelKind } from "../../src/core/model.js";
import type { CustomerView } from "../../src/core/ports/customer-view.js";

export interface HistoryUnderTest {
  readonly view: CustomerView;
  /** Runs one INSERT … RETURNING "id" written with `?` placeholders; answers the new row's id. */
  insert(text: string, values: readonly unknown[]): Promise<number>;
  close(): Promise<void>;
}

// Any kind the tables hold: the history names no channel.
const kind = "sms" as ChannelKind;

/** What every CustomerView must do; each database's test file runs it. */
export function customerViewContract(name: string, open: () => Promise<HistoryUnderTest>): void {
  describe(`CustomerView contract: ${name}`, () => {
    let subject: HistoryUnderTest;
    const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 10, minute));

    beforeEach(async () => {
      subject = await open();
    });
    afterEach(async () => {
      await subject.close();
    });

    const inbox = (address: string) =>
      subject.insert(
        `INSERT INTO "Inbox" ("kind", "address", "createdAt", "updatedAt") VALUES (?, ?, ?, ?) RETURNING "id"`,
        [kind, address, at(0), at(0)],
      );
    const contact = (address: string) =>
      subject.insert(
        `INSERT INTO "Contact" ("kind", "address", "createdAt", "updatedAt") VALUES (?, ?, ?, ?) RETURNING "id"`,
        [kind, address, at(0), at(0)],
      );
    const conversation = (inboxId: number, contactId: number) =>
      subject.insert(
        `INSERT INTO "Conversation" ("inboxId", "contactId", "createdAt", "updatedAt") VALUES (?, ?, ?, ?) RETURNING "id"`,
        [inboxId, contactId, at(0), at(0)],
      );
    const message = (
      conversationId: number,
      direction: string,
      body: string,
      status: string,
      minute: number,
    ) =>
      subject.insert(
        `INSERT INTO "Message" ("conversationId", "direction", "body", "provider", "status", "createdAt", "updatedAt")
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING "id"`,
        [conversationId, direction, body, kind, status, at(minute), at(minute)],
      );

    it("answers the contact's messages and the replies that reached them, oldest first", async () => {
      const site = await inbox("site");
      const visitor = await contact("v1");
      const talk = await conversation(site, visitor);
      const first = await message(talk, "in", "hello", "received", 1);
      await message(talk, "out", "queued reply", "queued", 2);
      const reply = await message(talk, "out", "hi there", "delivered", 3);
      await message(talk, "out", "failed reply", "failed", 4);
      const accepted = await message(talk, "out", "accepted, being finished", "pending", 5);
      await message(talk, "out", "not sent yet", "pending", 6);
      await subject.insert(
        `INSERT INTO "SentPart" ("messageId", "index", "provider", "providerMessageId", "status", "createdAt")
         VALUES (?, 0, ?, ?, 'delivered', ?) RETURNING "messageId" AS "id"`,
        [accepted, kind, `p-${accepted}`, at(5)],
      );
      const contactOf = { kind, inboxAddress: "site", contactAddress: "v1" };

      const all = await subject.view.messagesOf(contactOf, 0, 50);
      expect(all).toEqual([
        { id: first, direction: "in", text: "hello", at: at(1) },
        { id: reply, direction: "out", text: "hi there", at: at(3) },
        { id: accepted, direction: "out", text: "accepted, being finished", at: at(5) },
      ]);
      expect(await subject.view.messagesOf(contactOf, first, 50)).toEqual(all.slice(1));
      expect(await subject.view.messagesOf(contactOf, 0, 1)).toEqual([all[0]]);
    });

    it("never answers another contact's or another inbox's messages", async () => {
      const site = await inbox("site");
      const other = await inbox("other-site");
      const mine = await contact("v1");
      const theirs = await contact("v2");
      await message(await conversation(site, theirs), "in", "their secret", "received", 1);
      await message(await conversation(other, mine), "in", "elsewhere", "received", 2);

      expect(
        await subject.view.messagesOf({ kind, inboxAddress: "site", contactAddress: "v1" }, 0, 50),
      ).toEqual([]);
      expect(
        await subject.view.messagesOf({ kind, inboxAddress: "site", contactAddress: "nobody" }, 0, 50),
      ).toEqual([]);
    });

    it("tells whether an inbox is connected, and its team's hours and away message", async () => {
      await inbox("site");
      expect(await subject.view.inboxService(kind, "site")).toEqual({
        connected: false,
        hours: null,
        awayMessage: null,
      });
      await subject.insert(`UPDATE "Inbox" SET "slackChannelId" = ? WHERE "address" = ? RETURNING "id"`, [
        "C1",
        "site",
      ]);
      await subject.insert(
        `INSERT INTO "TeamSettings" ("slackChannelId", "hours", "awayMessage", "updatedAt") VALUES (?, ?, ?, ?) RETURNING "slackChannelId" AS "id"`,
        ["C1", "Mon-Fri 09:00-17:00 UTC", "We are away", at(0)],
      );
      expect(await subject.view.inboxService(kind, "site")).toEqual({
        connected: true,
        hours: "Mon-Fri 09:00-17:00 UTC",
        awayMessage: "We are away",
      });
      expect(await subject.view.inboxService(kind, "nowhere")).toBeNull();
    });
  });
}
