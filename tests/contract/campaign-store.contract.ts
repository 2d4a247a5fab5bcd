import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CampaignStore, ContactTags } from "../../src/core/ports/campaigns.js";
import { SqlCampaignStore } from "../../src/db/campaigns.js";
import { SqlContactTags } from "../../src/db/contact-tags.js";
import type { SqlDatabase } from "../../src/db/sql/database.js";
import { statement } from "../../src/db/sql/statement.js";

export interface CampaignDatabaseUnderTest {
  readonly database: SqlDatabase;
  close(): Promise<void>;
}

const t0 = 1_800_000_000_000;
const at = new Date(t0);

const insertInbox = statement<{ kind: string; address: string; now: Date }, { id: number }>(
  "test_campaign_inbox",
  ({ db }, p) =>
    db
      .insertInto("Inbox")
      .values({ kind: p.kind, address: p.address, slackChannelId: "C1", createdAt: p.now, updatedAt: p.now })
      .returning("id"),
);
const insertContact = statement<{ kind: string; address: string; now: Date }, { id: number }>(
  "test_campaign_contact",
  ({ db }, p) =>
    db
      .insertInto("Contact")
      .values({ kind: p.kind, address: p.address, createdAt: p.now, updatedAt: p.now })
      .returning("id"),
);
const insertConversation = statement<
  { inboxId: number; contactId: number; optedOut: boolean; lastInboundAt: Date | null; now: Date },
  never
>("test_campaign_conversation", ({ db }, p) =>
  db.insertInto("Conversation").values({
    inboxId: p.inboxId,
    contactId: p.contactId,
    optedOut: p.optedOut,
    lastInboundAt: p.lastInboundAt,
    createdAt: p.now,
    updatedAt: p.now,
  }),
);

const deleteConversations = statement<{ id: number }, never>(
  "test_campaign_delete_conversations",
  ({ db }, p) => db.deleteFrom("Conversation").where("contactId", "=", p.id),
);
const deleteContact = statement<{ id: number }, never>("test_campaign_delete_contact", ({ db }, p) =>
  db.deleteFrom("Contact").where("id", "=", p.id),
);

/** What ContactTags and CampaignStore must do, on each database. */
export function campaignStoreContract(name: string, open: () => Promise<CampaignDatabaseUnderTest>): void {
  describe(`campaign store contract: ${name}`, () => {
    let subject: CampaignDatabaseUnderTest;
    let tags: ContactTags;
    let campaigns: CampaignStore;
    let inboxId: number;

    const contact = async (address: string, conversation?: { optedOut?: boolean; texted?: boolean }) => {
      const [row] = await subject.database
        .prepare(insertContact)
        .commitNow({ kind: "sms", address, now: at });
      const contactId = Number(row?.id);
      if (conversation) {
        await subject.database.prepare(insertConversation).commitNow({
          inboxId,
          contactId,
          optedOut: conversation.optedOut ?? false,
          lastInboundAt: conversation.texted === false ? null : at,
          now: at,
        });
      }
      return contactId;
    };

    beforeEach(async () => {
      subject = await open();
      tags = new SqlContactTags(subject.database);
      campaigns = new SqlCampaignStore(subject.database);
      const [row] = await subject.database
        .prepare(insertInbox)
        .commitNow({ kind: "sms", address: "+15550001111", now: at });
      inboxId = Number(row?.id);
    });

    afterEach(async () => {
      await subject.close();
    });

    it("tags and untags a contact, each tag once, in order", async () => {
      const id = await contact("+15557650001");
      expect(await tags.tag(id, ["wholesale", "vip", "vip"], "U1", t0)).toEqual(["vip", "wholesale"]);
      expect(await tags.tag(id, ["vip"], "U2", t0)).toEqual(["vip", "wholesale"]);
      expect(await tags.untag(id, ["vip", "never"])).toEqual(["wholesale"]);
      expect(await tags.tagsOf(id)).toEqual(["wholesale"]);
    });

    it("finds an audience by tag, with who opted out and who never wrote to the inbox", async () => {
      const texted = await contact("+15557650001", {});
      const optedOut = await contact("+15557650002", { optedOut: true });
      const silent = await contact("+15557650003", { texted: false });
      const stranger = await contact("+15557650004");
      const untagged = await contact("+15557650005", {});
      for (const id of [texted, optedOut, silent, stranger]) await tags.tag(id, ["vip"], "U1", t0);
      const tagged = await campaigns.audience(inboxId, "sms", "vip");
      expect(tagged).toEqual([
        { contactId: texted, address: "+15557650001", optedOut: false, textedInbox: true },
        { contactId: optedOut, address: "+15557650002", optedOut: true, textedInbox: true },
        { contactId: silent, address: "+15557650003", optedOut: false, textedInbox: false },
        { contactId: stranger, address: "+15557650004", optedOut: false, textedInbox: false },
      ]);
      expect(await campaigns.audience(inboxId, "whatsapp", "vip")).toEqual([]);
      const everyone = await campaigns.audience(inboxId, "sms", null);
      expect(everyone.map((member) => member.contactId)).toEqual([texted, optedOut, silent, untagged]);
    });

    it("starts a draft once, with its recipients, and sends each from the due one first", async () => {
      const a = await contact("+15557650001", {});
      const b = await contact("+15557650002", {});
      const id = await campaigns.createDraft({
        inboxId,
        slackChannelId: "C1",
        createdBy: "U1",
        audience: "vip",
        body: "Sale today",
        now: t0,
      });
      expect((await campaigns.campaign(id))?.status).toBe("draft");
      const recipients = [
        { contactId: a, address: "+15557650001", notBefore: t0 + 60_000 },
        { contactId: b, address: "+15557650002", notBefore: t0 },
      ];
      expect(await campaigns.start(id, recipients, { "opted out": 1 }, t0)).toBe(true);
      expect(await campaigns.start(id, recipients, {}, t0)).toBe(false);
      expect(await campaigns.cancel(id, t0)).toBe(false);
      const started = await campaigns.campaign(id);
      expect(started).toMatchObject({
        status: "sending",
        excluded: { "opted out": 1 },
        tick: 0,
        inboxKind: "sms",
        inboxAddress: "+15550001111",
      });
      expect(await campaigns.sendingCampaigns()).toEqual([{ id, tick: 0 }]);

      const first = await campaigns.nextRecipient(id, t0);
      expect(first).toMatchObject({ contactId: b, status: "pending", optedOut: false });
      await campaigns.markSending(first?.id ?? 0, t0 + 1);
      // An unresolved attempt comes first, whatever is due.
      expect(await campaigns.nextRecipient(id, t0 + 120_000)).toMatchObject({
        contactId: b,
        attemptAt: t0 + 1,
      });
      await campaigns.markSent(first?.id ?? 0, "SM1", t0 + 2);
      expect(await campaigns.nextRecipient(id, t0)).toBeNull();
      expect(await campaigns.nextDueAt(id)).toBe(t0 + 60_000);
      const second = await campaigns.nextRecipient(id, t0 + 60_000);
      await campaigns.defer(second?.id ?? 0, t0 + 90_000);
      expect(await campaigns.nextDueAt(id)).toBe(t0 + 90_000);
      await campaigns.markFailed(second?.id ?? 0, "skipped", "opted out");
      expect(await campaigns.nextDueAt(id)).toBeNull();
      expect(await campaigns.counts(id)).toEqual({ pending: 0, sending: 0, sent: 1, failed: 0, skipped: 1 });
    });

    it("lets one tick through, spaces progress edits, and stops once", async () => {
      const id = await campaigns.createDraft({
        inboxId,
        slackChannelId: "C1",
        createdBy: "U1",
        audience: "all",
        body: "Hi",
        now: t0,
      });
      await campaigns.start(id, [], {}, t0);
      expect(await campaigns.advanceTick(id, 0)).toBe(true);
      expect(await campaigns.advanceTick(id, 0)).toBe(false);
      expect(await campaigns.claimProgressEdit(id, t0, 2_000)).toBe(true);
      expect(await campaigns.claimProgressEdit(id, t0 + 1_000, 2_000)).toBe(false);
      expect(await campaigns.claimProgressEdit(id, t0 + 2_000, 2_000)).toBe(true);
      await campaigns.setProgressTs(id, "1.000100");
      expect(await campaigns.stop(id, "U2", t0)).toBe(true);
      expect(await campaigns.stop(id, "U2", t0)).toBe(false);
      expect(await campaigns.sendingCampaigns()).toEqual([]);
      expect(await campaigns.campaign(id)).toMatchObject({
        status: "stopped",
        stoppedBy: "U2",
        progressTs: "1.000100",
      });
    });

    it("gives a recipient's thread the latest campaign they got, until quoted", async () => {
      const a = await contact("+15557650001", {});
      const first = await campaigns.createDraft({
        inboxId,
        slackChannelId: "C1",
        createdBy: "U1",
        audience: "all",
        body: "First",
        now: t0,
      });
      const second = await campaigns.createDraft({
        inboxId,
        slackChannelId: "C1",
        createdBy: "U2",
        audience: "all",
        body: "Second",
        now: t0,
      });
      for (const [index, id] of [first, second].entries()) {
        await campaigns.start(id, [{ contactId: a, address: "+15557650001", notBefore: t0 }], {}, t0);
        const recipient = await campaigns.nextRecipient(id, t0);
        await campaigns.markSent(recipient?.id ?? 0, `SM${index}`, t0 + index);
      }
      expect(await campaigns.unquoted(inboxId, a)).toMatchObject({
        campaignId: second,
        body: "Second",
        createdBy: "U2",
        sentAt: t0 + 1,
      });
      await campaigns.markQuoted(inboxId, a);
      expect(await campaigns.unquoted(inboxId, a)).toBeNull();
    });

    it("forgets the tags and campaign recipients of contacts gone", async () => {
      const a = await contact("+15557650001", {});
      const b = await contact("+15557650002", {});
      for (const id of [a, b]) await tags.tag(id, ["vip"], "U1", t0);
      const id = await campaigns.createDraft({
        inboxId,
        slackChannelId: "C1",
        createdBy: "U1",
        audience: "vip",
        body: "Hi",
        now: t0,
      });
      await campaigns.start(
        id,
        [a, b].map((contactId, i) => ({ contactId, address: `+1555765000${i + 1}`, notBefore: t0 })),
        {},
        t0,
      );
      expect(await campaigns.forgetOrphans()).toBe(0);
      // As an older version's retention purge left them: a contact deleted without its tags and places.
      await subject.database.prepare(deleteConversations).commitNow({ id: b });
      await subject.database.prepare(deleteContact).commitNow({ id: b });
      expect(await campaigns.forgetOrphans()).toBe(2);
      expect(await tags.tagsOf(a)).toEqual(["vip"]);
      expect(await campaigns.counts(id)).toMatchObject({ pending: 1 });
    });
  });
}
