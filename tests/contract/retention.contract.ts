import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scheduledLane, slackLane } from "../../src/core/lane-names.js";
import type { InboundMessage } from "../../src/core/model.js";
import type { QueuedJob } from "../../src/core/ports/queue.js";
import type { ConversationStore, Erasure } from "../../src/core/ports/store.js";
import type { StoreUnderTest } from "./conversation-store.contract.js";

let sequence = 0;
const day = 24 * 60 * 60 * 1000;
const file = { bytes: new Uint8Array([1, 2, 3]), contentType: "image/png", filename: "a.png" };

/** A handle on the same database for plain SQL both accept (seeding what other ports keep). */
interface PlainSql {
  $queryRawUnsafe<T = unknown>(query: string): Promise<T>;
}

/** Retention and erasure: what every ConversationStore must delete, and keep. */
export function retentionContract(
  name: string,
  open: () => Promise<StoreUnderTest & { readonly prisma: PlainSql }>,
): void {
  describe(`Retention and erasure contract: ${name}`, () => {
    let subject: StoreUnderTest & { readonly prisma: PlainSql };
    let store: ConversationStore;
    let announced: QueuedJob[];

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
      announced = [];
      subject.queue.onAvailable((jobs) => announced.push(...jobs));
    });

    afterEach(async () => {
      await subject.close();
    });

    const connect = async (address: string, channel: string) => {
      await store.connectInbox({ kind: "sms", address, to: channel, userId: "U1", from: [null] });
      return (await store.findInbox("sms", address))?.id as number;
    };

    /** A conversation with a customer message, an agent's reply with a sent part, a file and a pending job. */
    async function conversation(contactAddress: string, inboxAddress = "+15550001111") {
      const inbound: InboundMessage = {
        kind: "sms",
        inboxAddress,
        contactAddress,
        providerMessageId: `SM${String(++sequence).padStart(32, "0")}`,
        text: `secret words of ${contactAddress}`,
        attachments: [],
        receivedAt: new Date(),
      };
      const outcome = await store.recordInbound(inbound, () => ({
        conversation: {},
        jobs: ({ conversationId }) => [
          { lane: slackLane(conversationId), kind: "slack.notice", payload: { conversationId, text: "x" } },
        ],
      }));
      if (outcome.result !== "recorded") throw new Error("not recorded");
      const { conversationId, messageId } = outcome;
      const reply = await store.recordReply(
        {
          conversationId,
          provider: "sms",
          channelId: "C1",
          ts: `1700000000.${String(sequence).padStart(6, "0")}`,
          userId: "U1",
          text: "our answer",
          files: [],
        },
        () => [],
      );
      await store.recordSentPart(reply as number, {
        index: 0,
        providerMessageId: `SMout${sequence}`,
        status: "sent",
      });
      // A job on a lane of its own (a reminder, a nudge) that names the conversation in its payload.
      await store.write({
        jobs: [
          {
            lane: `reminder:U1:${conversationId}:0`,
            kind: "slack.reminder",
            payload: { conversationId, userId: "U1" },
          },
        ],
      });
      const token = await store.saveMedia(file, new Date(Date.now() + day), conversationId);
      expect(await store.sentParts(reply as number)).toHaveLength(1);
      return { conversationId, messageId, replyId: reply as number, token };
    }

    const rows = (query: string) => subject.prisma.$queryRawUnsafe<Record<string, unknown>[]>(query);
    const countOf = async (table: string) =>
      Number((await rows(`SELECT COUNT(*) AS "n" FROM "${table}"`))[0]?.n);

    /** What else names the conversation's customer: a tag, a campaign's recipient, a scheduled send, a form's key. */
    async function tagAndSchedule(conversationId: number) {
      const [conversation] = await rows(
        `SELECT "contactId" FROM "Conversation" WHERE "id" = ${conversationId}`,
      );
      const contactId = Number(conversation?.contactId);
      await rows(
        `INSERT INTO "ContactTag" ("contactId", "tag") VALUES (${contactId}, 'vip') RETURNING "tag"`,
      );
      await rows(
        `INSERT INTO "CampaignRecipient" ("campaignId", "contactId", "address", "notBefore") VALUES (1, ${contactId}, 'x', 0) RETURNING "id"`,
      );
      const [scheduled] = await rows(
        `INSERT INTO "ScheduledMessage" ("conversationId", "slackChannelId", "slackTs", "threadTs", "authorId", "body", "sendAt", "createdAt")
         VALUES (${conversationId}, 'C1', '1.${conversationId}', '1.0', 'U1', 'later', '2026-12-07T10:00:00.000Z', '2026-12-07T09:00:00.000Z') RETURNING "id"`,
      );
      const scheduledId = Number(scheduled?.id);
      await rows(
        `INSERT INTO "FormReply" ("slackChannelId", "formKey", "conversationId", "createdAt") VALUES ('C1', 'ai-draft:${conversationId}', ${conversationId}, '2026-12-07T09:00:00.000Z') RETURNING "formKey"`,
      );
      await store.write({
        jobs: [
          {
            lane: scheduledLane(scheduledId),
            kind: "customer.scheduled",
            payload: { scheduledId, when: "at ten" },
            runAt: Date.now() + day,
          },
        ],
      });
    }

    const close = (conversationId: number, closedAt: Date) =>
      store.write({ conversations: [[conversationId, { status: "closed", closedBy: "U1", closedAt }]] });

    /** Gone from every read, whatever `now` a read is given. */
    async function expectGone(made: Awaited<ReturnType<typeof conversation>>) {
      expect(await store.conversationContext(made.conversationId)).toBeNull();
      expect(await store.message(made.messageId)).toBeNull();
      expect(await store.message(made.replyId)).toBeNull();
      expect(await store.sentParts(made.replyId)).toEqual([]);
      expect(await store.media(made.token, new Date(0))).toBeNull();
    }

    it("deletes expired files, not the others", async () => {
      const now = new Date();
      const expired = await store.saveMedia(file, new Date(now.getTime() - 1), null);
      const live = await store.saveMedia(file, new Date(now.getTime() + 60_000), null);
      expect(await store.deleteExpiredMedia(now)).toBe(1);
      expect(await store.media(expired, new Date(0))).toBeNull();
      expect(await store.media(live, now)).toMatchObject({ filename: "a.png" });
      expect(await store.deleteExpiredMedia(now)).toBe(0);
    });

    it("purges conversations closed before the cut-off with their messages, files, jobs, tags and scheduled messages, a few at a time", async () => {
      const inboxId = await connect("+15550001111", "C1");
      const old = await conversation("+15557650001");
      const older = await conversation("+15557650002");
      const recent = await conversation("+15557650003");
      const open = await conversation("+15557650004");
      await close(old.conversationId, new Date(Date.now() - 40 * day));
      await close(older.conversationId, new Date(Date.now() - 50 * day));
      await tagAndSchedule(old.conversationId);
      await tagAndSchedule(recent.conversationId);
      await close(recent.conversationId, new Date(Date.now() - day));
      const pendingBefore = (await subject.queue.stats()).depth.pending;

      const cutOff = new Date(Date.now() - 30 * day);
      expect(await store.purgeClosedConversations(cutOff, 1)).toBe(1);
      expect(await store.conversationContext(older.conversationId)).toBeNull();
      expect(await store.conversationContext(old.conversationId)).not.toBeNull();
      expect(await store.purgeClosedConversations(cutOff, 1)).toBe(1);
      expect(await store.purgeClosedConversations(cutOff, 1)).toBe(0);

      await expectGone(old);
      await expectGone(older);
      // The old one's tag, campaign place, scheduled message and its send went with it; the recent one's stay.
      expect((await subject.queue.stats()).depth.pending).toBe(pendingBefore - 5);
      for (const table of ["ContactTag", "CampaignRecipient", "ScheduledMessage", "FormReply"])
        expect([table, await countOf(table)]).toEqual([table, 1]);
      expect(await store.findConversations([inboxId], "secret", 10)).toHaveLength(2);
      for (const kept of [recent, open]) {
        expect(await store.message(kept.messageId)).not.toBeNull();
        expect(await store.media(kept.token, new Date())).not.toBeNull();
      }
    });

    it("erases a contact from every inbox, tells the channels in the same write, and leaves the others", async () => {
      await connect("+15550001111", "C1");
      await connect("+15550002222", "C2");
      const first = await conversation("+15557654321");
      const second = await conversation("+15557654321", "+15550002222");
      const other = await conversation("+15557650000");
      await tagAndSchedule(first.conversationId);
      await tagAndSchedule(other.conversationId);
      await store.setConversationThread(first.conversationId, "C1", "1700000001.000001");
      await store.write({
        messages: [[first.messageId, { slackChannelId: "C1", slackTs: "1700000001.000002" }]],
      });
      announced = [];
      const told: Erasure[] = [];

      const erasure = await store.eraseContacts(
        [
          { kind: "sms", address: "+15557654321" },
          { kind: "whatsapp", address: "+15557654321" },
        ],
        (erased) => {
          told.push(erased);
          return [
            { lane: "channel:C9", kind: "slack.channelNotice", payload: { channelId: "C9", text: "erased" } },
          ];
        },
      );
      expect({
        ...erasure,
        channelIds: [...erasure.channelIds].sort(),
        posts: [...erasure.posts].sort((a, b) => a.ts.localeCompare(b.ts)),
      }).toEqual({
        contacts: 1,
        conversations: 2,
        messages: 4,
        channelIds: ["C1", "C2"],
        // The parent and the customer's message, both the app's posts; the agent's reply is theirs.
        posts: [
          { channelId: "C1", ts: "1700000001.000001" },
          { channelId: "C1", ts: "1700000001.000002" },
        ],
      });
      expect(told).toHaveLength(1);
      expect(announced.map((job) => job.kind)).toEqual(["slack.channelNotice"]);
      await expectGone(first);
      await expectGone(second);
      expect(await store.message(other.messageId)).not.toBeNull();
      // The other customer's three jobs and the notice: the erased conversations' jobs are gone, and with the
      // customer their tag, campaign place and scheduled message.
      expect((await subject.queue.stats()).depth.pending).toBe(4);
      for (const table of ["ContactTag", "CampaignRecipient", "ScheduledMessage", "FormReply"])
        expect([table, await countOf(table)]).toEqual([table, 1]);

      announced = [];
      const nothing = await store.eraseContacts([{ kind: "sms", address: "+15557654321" }], () => [
        { lane: "channel:C9", kind: "slack.channelNotice", payload: { channelId: "C9", text: "again" } },
      ]);
      expect(nothing).toEqual({ contacts: 0, conversations: 0, messages: 0, channelIds: [], posts: [] });
      expect(announced).toEqual([]);
    });
  });
}
