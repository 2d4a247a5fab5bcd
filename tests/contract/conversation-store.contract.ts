import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/core/model.js";
import type { DeliveryQueue, NewJob, QueuedJob } from "../../src/core/ports/queue.js";
import type { ConversationStore, InboundEffects } from "../../src/core/ports/store.js";

export interface StoreUnderTest {
  readonly store: ConversationStore;
  readonly queue: DeliveryQueue;
  close(): Promise<void>;
}

let sequence = 0;
const inbound = (text: string, overrides: Partial<InboundMessage> = {}): InboundMessage => ({
  kind: "sms",
  inboxAddress: "+15550001111",
  contactAddress: "+15557654321",
  providerMessageId: `SM${String(++sequence).padStart(32, "0")}`,
  text,
  attachments: [],
  receivedAt: new Date("2026-11-26T10:00:00.000Z"),
  ...overrides,
});

const anHourAgo = () => new Date(Date.now() - 3_600_000);

const noticeJob = (conversationId: number, text: string): NewJob => ({
  lane: `slack:${conversationId}`,
  kind: "slack.notice",
  payload: { conversationId, text },
});

/** What every ConversationStore must do; each implementation's test file runs this suite against it. */
export function conversationStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`ConversationStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
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

    const record = (message: InboundMessage, effects: Partial<InboundEffects> = {}) =>
      store.recordInbound(message, () => ({ conversation: {}, jobs: () => [], ...effects }));

    it("records a customer's message with its inbox, contact, conversation and jobs, once", async () => {
      const first = inbound("hello", {
        attachments: [{ url: "https://media.example/1", contentType: "image/png" }],
      });
      const states: boolean[] = [];
      const outcome = await store.recordInbound(first, (state) => {
        states.push(state.created);
        return {
          conversation: { lastInboundAt: first.receivedAt, optedOut: true },
          jobs: ({ conversationId, messageId }) => [noticeJob(conversationId, `message ${messageId}`)],
        };
      });
      if (outcome.result !== "recorded") throw new Error("not recorded");
      expect(states).toEqual([true]);
      expect(announced.map((job) => job.payload)).toEqual([
        { conversationId: outcome.conversationId, text: `message ${outcome.messageId}` },
      ]);
      const context = await store.conversationContext(outcome.conversationId);
      expect(context?.conversation).toMatchObject({
        status: "open",
        lastInboundAt: first.receivedAt,
        optedOut: true,
      });
      expect(context?.inbox).toMatchObject({ kind: "sms", address: "+15550001111", slackChannelId: null });
      expect(context?.contact).toMatchObject({ address: "+15557654321", displayName: null });
      expect(await store.message(outcome.messageId)).toMatchObject({
        direction: "in",
        body: "hello",
        attachments: first.attachments,
        providerMessageId: first.providerMessageId,
        status: "received",
        createdAt: first.receivedAt,
      });
      expect(await store.messageByProviderId("sms", first.providerMessageId)).toMatchObject({
        id: outcome.messageId,
      });

      expect(await record(first)).toEqual({ result: "duplicate", messageId: outcome.messageId });
      const second = await store.recordInbound(inbound("again"), (state) => {
        states.push(state.created);
        return { conversation: {}, jobs: () => [] };
      });
      expect(states).toEqual([true, false]);
      expect(second).toMatchObject({ result: "recorded", conversationId: outcome.conversationId });
    });

    it("records an agent's reply once per Slack message, with its jobs", async () => {
      const recorded = await record(inbound("hi"));
      if (recorded.result !== "recorded") throw new Error("not recorded");
      const reply = {
        conversationId: recorded.conversationId,
        provider: "sms" as const,
        channelId: "C1",
        ts: "1700000000.000100",
        userId: "U1",
        text: "*hello* there",
        files: [],
      };
      const messageId = await store.recordReply(reply, (id) => [
        noticeJob(recorded.conversationId, `reply ${id}`),
      ]);
      expect(messageId).not.toBeNull();
      expect(await store.recordReply(reply, () => [])).toBeNull();
      expect(announced.map((job) => job.payload)).toEqual([
        { conversationId: recorded.conversationId, text: `reply ${messageId}` },
      ]);
      expect(await store.message(messageId as number)).toMatchObject({
        direction: "out",
        status: "pending",
        authorSlackUserId: "U1",
        slackChannelId: "C1",
        slackTs: reply.ts,
      });
    });

    it("records a reply written in a form once per form key, even after its post replaced the key", async () => {
      const recorded = await record(inbound("hi"));
      if (recorded.result !== "recorded") throw new Error("not recorded");
      const reply = {
        conversationId: recorded.conversationId,
        provider: "sms" as const,
        channelId: "C1",
        ts: "ai-draft:d1",
        userId: "U1",
        text: "Your order ships today",
        files: [],
        fromForm: true as const,
      };
      const messageId = await store.recordReply(reply, (id) => [
        noticeJob(recorded.conversationId, `post ${id}`),
      ]);
      expect(messageId).not.toBeNull();
      // Posted: the message now holds its Slack ts, and the form's key is still taken.
      await store.write({ messages: [[messageId as number, { slackTs: "1700000000.000200" }]] });
      expect(await store.recordReply(reply, () => [noticeJob(recorded.conversationId, "again")])).toBeNull();
      expect(announced.map((job) => job.payload)).toEqual([
        { conversationId: recorded.conversationId, text: `post ${messageId}` },
      ]);
      expect(await store.conversationMessages(recorded.conversationId)).toHaveLength(2);
      // Another form's key, or the same key in another channel, is another reply.
      expect(await store.recordReply({ ...reply, ts: "ai-draft:d2" }, () => [])).not.toBeNull();
    });

    it("records a reply's parts as they are accepted, once each, and finds the reply by any part's id", async () => {
      const recorded = await record(inbound("hi"));
      if (recorded.result !== "recorded") throw new Error("not recorded");
      const reply = (ts: string) =>
        store.recordReply(
          {
            conversationId: recorded.conversationId,
            provider: "sms",
            channelId: "C1",
            ts,
            userId: "U1",
            text: "long",
            files: [],
          },
          () => [],
        ) as Promise<number>;
      const [long, other] = [await reply("2.1"), await reply("2.2")];
      await store.recordSentPart(long, { index: 0, providerMessageId: "SMpart0", status: "queued" });
      await store.recordSentPart(long, { index: 1, providerMessageId: "SMpart1", status: "queued" });
      // Found again in the provider's log after an uncertain attempt: already recorded, nothing changes.
      await store.recordSentPart(long, { index: 1, providerMessageId: "SMpart1", status: "sent" });
      await store.recordSentPart(other, { index: 0, providerMessageId: "SMother", status: "queued" });
      expect(await store.sentParts(long)).toEqual([
        { messageId: long, index: 0, providerMessageId: "SMpart0", status: "queued" },
        { messageId: long, index: 1, providerMessageId: "SMpart1", status: "queued" },
      ]);
      expect(await store.partsOfOtherMessages("sms", ["SMpart0", "SMother", "SMnew"], long)).toEqual(
        new Set(["SMother"]),
      );
      const seen: unknown[] = [];
      await store.recordReport(
        { kind: "sms", inboxAddress: "", contactAddress: "", providerMessageIds: ["SMpart1"], upTo: null },
        (messages, parts) => {
          seen.push(
            messages.map((message) => message.id),
            parts.map((part) => part.providerMessageId),
          );
          return { parts: [[long, 1, "undelivered"]] };
        },
      );
      expect(seen).toEqual([[long], ["SMpart0", "SMpart1"]]);
      expect((await store.sentParts(long)).map((part) => part.status)).toEqual(["queued", "undelivered"]);
    });

    it("applies what a provider report decides to the messages it covers, by id or up to a moment", async () => {
      const recorded = await record(inbound("hi"));
      if (recorded.result !== "recorded") throw new Error("not recorded");
      const ids: number[] = [];
      for (const ts of ["1.1", "1.2", "1.3"]) {
        const reply = {
          conversationId: recorded.conversationId,
          provider: "sms" as const,
          channelId: "C1",
          ts,
        };
        ids.push(
          (await store.recordReply({ ...reply, userId: "U1", text: ts, files: [] }, () => [])) as number,
        );
      }
      await store.write({ messages: [[ids[0] as number, { status: "sent", providerMessageId: "SMout1" }]] });
      const byId = await store.recordReport(
        {
          kind: "sms",
          inboxAddress: "",
          contactAddress: "",
          providerMessageIds: ["SMout1", "SMunknown"],
          upTo: null,
        },
        (messages) => ({
          messages: messages.map((message) => [message.id, { status: "delivered" }] as const),
        }),
      );
      expect(byId.map((message) => message.id)).toEqual([ids[0]]);
      expect((await store.message(ids[0] as number))?.status).toBe("delivered");
      const seen: number[][] = [];
      await store.recordReport(
        {
          kind: "sms",
          inboxAddress: "+15550001111",
          contactAddress: "+15557654321",
          providerMessageIds: [],
          upTo: new Date(Date.now() + 60_000),
        },
        (messages) => {
          seen.push(messages.map((message) => message.id));
          return { jobs: [noticeJob(recorded.conversationId, "reported")] };
        },
      );
      expect(seen).toEqual([ids]);
      expect(announced.at(-1)?.payload).toEqual({
        conversationId: recorded.conversationId,
        text: "reported",
      });
    });

    it("writes conversation, message and contact changes with their jobs in one go", async () => {
      const recorded = await record(inbound("hi"));
      if (recorded.result !== "recorded") throw new Error("not recorded");
      const context = await store.conversationContext(recorded.conversationId);
      const closedAt = new Date("2026-11-26T11:00:00.000Z");
      await store.write({
        conversations: [
          [recorded.conversationId, { status: "closed", closedBy: "U1", closedAt, assigneeId: "U2" }],
        ],
        messages: [[recorded.messageId, { slackChannelId: "C1", slackTs: "1.9", errorCode: null }]],
        contacts: [
          [context?.contact.id as number, { displayName: "Ana", avatarUrl: "https://cdn.example/a.png" }],
        ],
        jobs: [noticeJob(recorded.conversationId, "closed")],
      });
      const after = await store.conversationContext(recorded.conversationId);
      expect(after?.conversation).toMatchObject({
        status: "closed",
        closedBy: "U1",
        closedAt,
        assigneeId: "U2",
      });
      expect(after?.contact).toMatchObject({ displayName: "Ana", avatarUrl: "https://cdn.example/a.png" });
      expect(await store.message(recorded.messageId)).toMatchObject({ slackChannelId: "C1", slackTs: "1.9" });
      expect(announced.map((job) => job.payload)).toEqual([
        { conversationId: recorded.conversationId, text: "closed" },
      ]);
    });

    it("connects, refuses to take, moves and disconnects an inbox, remembering the threads it leaves", async () => {
      const connected = await store.connectInbox({
        kind: "sms",
        address: "+15550001111",
        to: "C1",
        userId: "U1",
        from: [null, "C1"],
      });
      expect(connected).toMatchObject({ changed: true, released: 0, before: { slackChannelId: null } });
      const inbox = await store.findInbox("sms", "+15550001111");
      expect(inbox).toMatchObject({ slackChannelId: "C1", connectedBy: "U1" });
      expect(inbox?.connectedAt).toBeInstanceOf(Date);
      expect(await store.inboxesForChannel("C1")).toHaveLength(1);
      expect(await store.connectedChannelIds()).toEqual(["C1"]);

      const recorded = await record(inbound("hi"));
      if (recorded.result !== "recorded") throw new Error("not recorded");
      await store.setConversationThread(recorded.conversationId, "C1", "1.0");
      expect((await store.conversationByThread("C1", "1.0"))?.conversation.id).toBe(recorded.conversationId);

      const taken = await store.connectInbox({
        kind: "sms",
        address: "+15550001111",
        to: "C2",
        userId: "U2",
        from: [null, "C2"],
      });
      expect(taken).toMatchObject({ changed: false, inbox: { slackChannelId: "C1" } });

      const moved = await store.connectInbox({
        kind: "sms",
        address: "+15550001111",
        to: "C2",
        userId: "U2",
        from: ["C1"],
        jobs: [
          { lane: "channel:C1", kind: "slack.channelNotice", payload: { channelId: "C1", text: "moved" } },
        ],
      });
      expect(moved).toMatchObject({ changed: true, before: { slackChannelId: "C1" } });
      expect(announced.at(-1)?.payload).toEqual({ channelId: "C1", text: "moved" });
      expect((await store.conversationByPastThread("C1", "1.0"))?.conversation.id).toBe(
        recorded.conversationId,
      );

      expect(
        await store.connectInbox({
          kind: "sms",
          address: "+15550001111",
          to: null,
          userId: "U3",
          from: ["C1"],
        }),
      ).toMatchObject({ changed: false });
      expect(
        await store.connectInbox({
          kind: "sms",
          address: "+15550009999",
          to: null,
          userId: "U3",
          from: ["C2"],
        }),
      ).toEqual({ changed: false, inbox: null });
      expect(await store.findInbox("sms", "+15550009999")).toBeNull();
      expect(
        await store.connectInbox({
          kind: "sms",
          address: "+15550001111",
          to: null,
          userId: "U3",
          from: ["C2"],
        }),
      ).toMatchObject({ changed: true });
      expect(await store.connectedChannelIds()).toEqual([]);
    });

    it("counts an inbox's conversations and the customer messages not yet in Slack, and holds it on a problem", async () => {
      await store.connectInbox({
        kind: "sms",
        address: "+15550001111",
        to: "C1",
        userId: "U1",
        from: [null],
      });
      const first = await record(inbound("one"));
      await record(inbound("two", { contactAddress: "+15557654322" }));
      if (first.result !== "recorded") throw new Error("not recorded");
      await store.write({ conversations: [[first.conversationId, { status: "closed" }]] });
      const inbox = await store.findInbox("sms", "+15550001111");
      const inboxId = inbox?.id as number;
      expect(await store.countsForInbox(inboxId)).toEqual({ open: 1, closed: 1, unassigned: 1 });
      expect(await store.waitingMessageCount(inboxId)).toBe(2);
      await store.setInboxProblem(inboxId, "the channel is archived");
      expect((await store.inboxById(inboxId))?.deliveryProblem).toBe("the channel is archived");
      expect((await store.conversationMessages(first.conversationId)).map((message) => message.body)).toEqual(
        ["one"],
      );
    });

    it("counts the customer messages held behind a parked post, by reason, and releases them in order", async () => {
      await store.connectInbox({
        kind: "sms",
        address: "+15550001111",
        to: "C1",
        userId: "U1",
        from: [null],
      });
      const post = (conversationId: number, messageId: number): NewJob => ({
        lane: `slack:${conversationId}`,
        kind: "slack.postInbound",
        payload: { messageId },
      });
      const recordPosted = (message: InboundMessage) =>
        store.recordInbound(message, () => ({
          conversation: {},
          jobs: ({ conversationId, messageId }) => [post(conversationId, messageId)],
        }));
      const first = await recordPosted(inbound("one"));
      await recordPosted(inbound("two"));
      const other = await recordPosted(inbound("three", { contactAddress: "+15557654322" }));
      if (first.result !== "recorded" || other.result !== "recorded") throw new Error("not recorded");
      const inboxId = (await store.findInbox("sms", "+15550001111"))?.id as number;
      expect(await store.heldMessages(inboxId)).toEqual([]);
      expect(await store.heldMessageCount()).toBe(0);
      const now = Date.now();
      const [one, , three] = announced;
      await store.setInboxProblem(inboxId, "the channel is archived");
      for (const [job, reason] of [
        [one, "missing a scope"],
        [three, "the channel is archived"],
      ] as const) {
        const claimed = await subject.queue.claim(job?.id as number, "w1", now, now + 30_000);
        if (!claimed) throw new Error("not claimed");
        await subject.queue.park(claimed, "w1", reason);
      }
      expect(await store.heldMessages(inboxId)).toEqual([
        { reason: "missing a scope", count: 2 },
        { reason: "the channel is archived", count: 1 },
      ]);
      expect(await store.heldMessageCount()).toBe(3);
      announced = [];
      expect(await store.releaseHeld(inboxId)).toBe(3);
      expect(announced.map((job) => job.payload)).toEqual(
        expect.arrayContaining([{ messageId: first.messageId }, { messageId: other.messageId }]),
      );
      expect(announced).toHaveLength(3);
      expect((await store.inboxById(inboxId))?.deliveryProblem).toBeNull();
      expect(await store.heldMessageCount()).toBe(0);
      expect(await subject.queue.unclaimed(now, 10)).toHaveLength(2);
      expect(await store.releaseHeld(inboxId)).toBe(0);
    });

    const connectSms = async (address = "+15550001111") => {
      await store.connectInbox({ kind: "sms", address, to: "C1", userId: "U1", from: [null] });
      return (await store.findInbox("sms", address))?.id as number;
    };

    it("starts a conversation: contact, conversation, the agent's message and its jobs in one write", async () => {
      const inboxId = await connectSms();
      const seen: unknown[] = [];
      const outcome = await store.startConversation(
        {
          inboxId,
          contactAddress: "+15557654321",
          userId: "U7",
          text: "Your table is ready",
          countStartsSince: anHourAgo(),
        },
        (state) => {
          seen.push({ contact: state.contact, conversation: state.conversation, inbox: state.inbox.id });
          return {
            conversation: { status: "open" },
            jobs: ({ conversationId, messageId }) => [noticeJob(conversationId, `start ${messageId}`)],
          };
        },
      );
      if (outcome.result !== "started") throw new Error("not started");
      expect(outcome.created).toBe(true);
      expect(seen).toEqual([{ contact: null, conversation: null, inbox: inboxId }]);
      expect(announced.map((job) => job.payload)).toEqual([
        { conversationId: outcome.conversationId, text: `start ${outcome.messageId}` },
      ]);
      expect(await store.message(outcome.messageId)).toMatchObject({
        direction: "out",
        body: "Your table is ready",
        authorSlackUserId: "U7",
        status: "pending",
        slackTs: null,
      });
      const context = await store.conversationContext(outcome.conversationId);
      expect(context?.contact).toMatchObject({ kind: "sms", address: "+15557654321" });
      expect(context?.conversation.optedOut).toBe(false);

      // The customer's answer joins the same conversation, and a second start finds it too.
      const answer = await record(inbound("thanks!"));
      expect(answer).toMatchObject({ result: "recorded", conversationId: outcome.conversationId });
      const again = await store.startConversation(
        {
          inboxId,
          contactAddress: "+15557654321",
          userId: "U7",
          text: "See you",
          countStartsSince: anHourAgo(),
        },
        (state) => {
          expect(state.conversation?.id).toBe(outcome.conversationId);
          return { conversation: {}, jobs: () => [] };
        },
      );
      expect(again).toMatchObject({
        result: "started",
        conversationId: outcome.conversationId,
        created: false,
      });
    });

    it("counts each person's starts since the moment asked, on every instance, not the refused ones", async () => {
      const inboxId = await connectSms();
      const counts: number[] = [];
      const start = (userId: string, contactAddress: string, since = anHourAgo(), refuse = false) =>
        store.startConversation(
          { inboxId, contactAddress, userId, text: "hi", countStartsSince: since },
          (state) => {
            counts.push(state.recentStarts);
            return refuse ? { refused: "no" } : { conversation: {}, jobs: () => [] };
          },
        );
      await start("U7", "+15557650001");
      await start("U7", "+15557650002");
      await start("U7", "+15557650003", anHourAgo(), true);
      await start("U8", "+15557650001");
      await start("U7", "+15557650001");
      expect(counts).toEqual([0, 1, 2, 0, 2]);
      // Starts before the moment don't count, and are dropped when the person starts again.
      await start("U7", "+15557650004", new Date(Date.now() + 1_000));
      await start("U7", "+15557650005", anHourAgo());
      expect(counts.slice(5)).toEqual([0, 1]);
    });

    it("writes nothing when the start is refused", async () => {
      const inboxId = await connectSms();
      await record(inbound("STOP"), { conversation: { optedOut: true } });
      const refused = await store.startConversation(
        {
          inboxId,
          contactAddress: "+15557654321",
          userId: "U7",
          text: "hello",
          countStartsSince: anHourAgo(),
        },
        (state) =>
          state.conversation?.optedOut ? { refused: "opted out" } : { conversation: {}, jobs: () => [] },
      );
      expect(refused).toEqual({ result: "refused", reason: "opted out" });
      const unknown = await store.startConversation(
        {
          inboxId,
          contactAddress: "+15559990000",
          userId: "U7",
          text: "hello",
          countStartsSince: anHourAgo(),
        },
        () => ({ refused: "no" }),
      );
      expect(unknown).toEqual({ result: "refused", reason: "no" });
      expect(await store.findConversations([inboxId], "5559990000", 10)).toEqual([]);
      const [only] = await store.findConversations([inboxId], "hello", 10);
      expect(only).toBeUndefined();
    });

    it("finds conversations by words of their messages, the contact's name or number, newest first", async () => {
      const inboxId = await connectSms();
      const otherInbox = await connectSms("+15550002222");
      const older = await record(inbound("Is my refund on its way?", { contactAddress: "+15557654321" }));
      const newer = await record(inbound("The parcel arrived damaged", { contactAddress: "+15557654322" }));
      await record(
        inbound("refund please", { inboxAddress: "+15550002222", contactAddress: "+15557654323" }),
      );
      if (older.result !== "recorded" || newer.result !== "recorded") throw new Error("not recorded");
      await record(inbound("Any news about the REFUNDED order?", { contactAddress: "+15557654322" }));
      const contactId = (await store.conversationContext(older.conversationId))?.contact.id as number;
      await store.write({ contacts: [[contactId, { displayName: "Ada Lovelace", avatarUrl: null }]] });

      const byWords = await store.findConversations([inboxId], "refund", 10);
      expect(byWords.map((match) => match.context.conversation.id)).toEqual([
        newer.conversationId,
        older.conversationId,
      ]);
      expect(byWords.map((match) => match.message?.body)).toEqual([
        "Any news about the REFUNDED order?",
        "Is my refund on its way?",
      ]);
      expect((await store.findConversations([otherInbox], "refund", 10)).length).toBe(1);
      expect((await store.findConversations([inboxId, otherInbox], "refund", 1)).length).toBe(1);

      const byName = await store.findConversations([inboxId], "lovelace", 10);
      expect(byName.map((match) => [match.context.contact.displayName, match.message?.body])).toEqual([
        ["Ada Lovelace", "Is my refund on its way?"],
      ]);
      const byNumber = await store.findConversations([inboxId], "(555) 765-4322", 10);
      expect(byNumber.map((match) => match.context.contact.address)).toEqual(["+15557654322"]);

      // What an agent types is never read as FTS5 or tsquery syntax or a LIKE wildcard.
      for (const text of [
        '"',
        "refund OR",
        "NEAR(refund",
        "body:refund",
        "*",
        "%",
        "_",
        "a'b",
        "-x",
        "a\\",
        "\\'",
        "x:*|!y",
      ]) {
        await expect(store.findConversations([inboxId], text, 10)).resolves.toBeDefined();
      }
      expect(await store.findConversations([inboxId], "%", 10)).toEqual([]);
      expect(await store.findConversations([inboxId], "   ", 10)).toEqual([]);
    });

    it("searches only the given inboxes, words of two letters or more, at most maxSearchWords of them", async () => {
      const inboxId = await connectSms();
      await connectSms("+15550002222");
      const mine = await record(inbound("A refund for order 77, please"));
      for (let i = 0; i < 12; i++) {
        await record(
          inbound("a refund for order 77 again", {
            inboxAddress: "+15550002222",
            contactAddress: `+1555765${String(4400 + i)}`,
          }),
        );
      }
      if (mine.result !== "recorded") throw new Error("not recorded");
      const found = async (text: string) =>
        (await store.findConversations([inboxId], text, 10)).map((match) => match.context.conversation.id);

      expect(await found("refund")).toEqual([mine.conversationId]);
      expect(await found("a")).toEqual([]);
      expect(await found("refund a 7")).toEqual([mine.conversationId]);
      // Past maxSearchWords the words are not searched: the seventh would find nothing.
      expect(await found("refund for order 77 please refund nowhere")).toEqual([mine.conversationId]);
      expect(await found("nowhere refund")).toEqual([]);
      expect(await store.findConversations([], "refund", 10)).toEqual([]);
    });

    it("finds a message by its new words after its body changes", async () => {
      const inboxId = await connectSms();
      const outcome = await record(inbound("placeholder"));
      if (outcome.result !== "recorded") throw new Error("not recorded");
      await store.write({ messages: [[outcome.messageId, { body: "rescheduled delivery" }]] });
      expect(await store.findConversations([inboxId], "placeholder", 10)).toEqual([]);
      expect((await store.findConversations([inboxId], "reschedul", 10)).length).toBe(1);
    });

    it("forgets a deleted thread once, remembering it as a past thread", async () => {
      await connectSms();
      const outcome = await record(inbound("hi"));
      if (outcome.result !== "recorded") throw new Error("not recorded");
      await store.setConversationThread(outcome.conversationId, "C1", "1700000000.000100");
      expect(await store.forgetThread(outcome.conversationId, "C1", "1700000000.000999")).toBe(false);
      expect(await store.forgetThread(outcome.conversationId, "C1", "1700000000.000100")).toBe(true);
      expect(await store.forgetThread(outcome.conversationId, "C1", "1700000000.000100")).toBe(false);
      expect((await store.conversationContext(outcome.conversationId))?.conversation).toMatchObject({
        slackChannelId: null,
        slackThreadTs: null,
      });
      expect(await store.conversationByThread("C1", "1700000000.000100")).toBeNull();
      expect((await store.conversationByPastThread("C1", "1700000000.000100"))?.conversation.id).toBe(
        outcome.conversationId,
      );
    });

    it("adopts a thread only for a conversation with none in its inbox's channel", async () => {
      await connectSms();
      const outcome = await record(inbound("hi"));
      if (outcome.result !== "recorded") throw new Error("not recorded");
      const id = outcome.conversationId;
      // Not the inbox's channel: a parent there is not this conversation's current thread.
      expect(await store.adoptThread(id, "C9", "1700000000.000100")).toBe(false);
      expect(await store.adoptThread(id, "C1", "1700000000.000100")).toBe(true);
      expect((await store.conversationByThread("C1", "1700000000.000100"))?.conversation.id).toBe(id);
      // It has a thread there now: another parent does not replace it.
      expect(await store.adoptThread(id, "C1", "1700000000.000200")).toBe(false);
      expect((await store.conversationContext(id))?.conversation.slackThreadTs).toBe("1700000000.000100");
    });

    it("finds an agent's message by its Slack ts", async () => {
      await connectSms();
      const outcome = await record(inbound("hi"));
      if (outcome.result !== "recorded") throw new Error("not recorded");
      const reply = await store.recordReply(
        {
          conversationId: outcome.conversationId,
          provider: "sms",
          channelId: "C1",
          ts: "1700000001.000100",
          userId: "U1",
          text: "hello",
          files: [],
        },
        () => [],
      );
      expect((await store.messageBySlackTs("C1", "1700000001.000100"))?.id).toBe(reply);
      expect(await store.messageBySlackTs("C1", "1700000001.000200")).toBeNull();
    });

    it("keeps a file behind a token until it expires", async () => {
      const expiresAt = new Date(Date.now() + 60_000);
      const bytes = new Uint8Array([0, 1, 2, 255]);
      const token = await store.saveMedia(
        { bytes, contentType: "image/png", filename: "a.png" },
        expiresAt,
        null,
      );
      const found = await store.media(token, new Date());
      expect(found).toMatchObject({ contentType: "image/png", filename: "a.png" });
      expect([...(found?.bytes ?? [])]).toEqual([0, 1, 2, 255]);
      expect(await store.media(token, new Date(expiresAt.getTime() + 1))).toBeNull();
      expect(await store.media("unknown", new Date())).toBeNull();
      await store.ping();
    });

    it("lists a person's open conversations oldest waiting first, and each inbox's unassigned ones", async () => {
      const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 9, minute));
      const conversation = async (contact: string, minute: number) => {
        const outcome = await record(
          inbound(`from ${contact}`, { contactAddress: contact, receivedAt: at(minute) }),
          { conversation: { lastInboundAt: at(minute) } },
        );
        if (outcome.result !== "recorded") throw new Error("not recorded");
        return outcome.conversationId;
      };
      const answered = await conversation("+15557650001", 1);
      const late = await conversation("+15557650002", 30);
      const early = await conversation("+15557650003", 10);
      const closed = await conversation("+15557650004", 0);
      const unassigned = await conversation("+15557650005", 20);
      const otherInbox = await record(
        inbound("elsewhere", { inboxAddress: "+15550002222", contactAddress: "+15557650006" }),
      );
      // The agent answered the first; a customer message after a failed reply is still unanswered.
      const replied = await store.recordReply(
        {
          conversationId: answered,
          provider: "sms",
          channelId: "C1",
          ts: "1700000000.000200",
          userId: "U1",
          text: "on it",
          files: [],
        },
        () => [],
      );
      const failed = await store.recordReply(
        {
          conversationId: early,
          provider: "sms",
          channelId: "C1",
          ts: "1700000000.000300",
          userId: "U1",
          text: "lost",
          files: [],
        },
        () => [],
      );
      await store.write({
        conversations: [answered, late, early, closed].map((id) => [id, { assigneeId: "U1" }] as const),
        messages: [
          [replied as number, { status: "delivered" }],
          [failed as number, { status: "failed" }],
        ],
      });
      await store.write({ conversations: [[closed, { status: "closed" }]] });

      const inboxId = (await store.findInbox("sms", "+15550001111"))?.id as number;
      const otherInboxId = (await store.findInbox("sms", "+15550002222"))?.id as number;
      const otherConversation = otherInbox.result === "recorded" ? otherInbox.conversationId : -1;
      await store.write({ conversations: [[otherConversation, { assigneeId: "U1" }]] });
      // Only the inboxes asked for (those of the channels the person is in) are listed and counted.
      expect(await store.openAssignedTo("U1", [otherInboxId], 10)).toMatchObject({
        total: 1,
        summaries: [{ conversationId: otherConversation }],
      });
      expect(await store.openAssignedTo("U1", [], 10)).toEqual({ total: 0, summaries: [] });
      await store.write({ conversations: [[otherConversation, { assigneeId: null }]] });

      // One the agent started, that the customer never wrote in: nothing unanswered, no message in; last.
      const started = await store.startConversation(
        { inboxId, contactAddress: "+15557650009", userId: "U1", text: "hello", countStartsSince: at(0) },
        () => ({ conversation: { assigneeId: "U1" }, jobs: () => [] }),
      );
      const startedId = started.result === "started" ? started.conversationId : -1;

      const mine = await store.openAssignedTo("U1", [inboxId, otherInboxId], 10);
      expect(mine.total).toBe(4);
      expect(mine.summaries.map((c) => [c.conversationId, c.waitingSince])).toEqual([
        [early, at(10)],
        [late, at(30)],
        [answered, null],
        [startedId, null],
      ]);
      expect(mine.summaries[0]).toMatchObject({
        kind: "sms",
        status: "open",
        contactAddress: "+15557650003",
        assigneeId: "U1",
        lastInboundAt: at(10),
      });
      expect(await store.openAssignedTo("U1", [inboxId], 1)).toMatchObject({
        total: 4,
        summaries: [{ conversationId: early }],
      });
      expect(await store.openAssignedTo("U2", [inboxId], 10)).toEqual({ total: 0, summaries: [] });

      const queues = await store.unassignedOpen([inboxId, otherInboxId], 5);
      expect(queues.map((q) => [q.inboxId, q.total, q.summaries.map((c) => c.conversationId)])).toEqual([
        [inboxId, 1, [unassigned]],
        [otherInboxId, 1, [otherConversation]],
      ]);
      expect(queues[0]?.summaries[0]?.waitingSince).toEqual(at(20));
      expect(await store.unassignedOpen([], 5)).toEqual([]);
      await store.connectInbox({
        kind: "sms",
        address: "+15550002222",
        to: "C2",
        userId: "U1",
        from: [null],
      });
      expect((await store.connectedInboxes()).map((inbox) => [inbox.id, inbox.slackChannelId])).toEqual([
        [otherInboxId, "C2"],
      ]);
    });

    it("lists the reminders a person set that have not fired, soonest first, by their lanes", async () => {
      const outcome = await record(inbound("remind me"));
      if (outcome.result !== "recorded") throw new Error("not recorded");
      const { conversationId } = outcome;
      const reminder = (userId: string, runAt: number): NewJob => ({
        lane: `reminder:${userId}:${conversationId}:${runAt}`,
        kind: "slack.reminder",
        payload: { conversationId, userId },
        runAt,
      });
      const soon = Date.UTC(2026, 10, 26, 10);
      const later = Date.UTC(2026, 10, 27, 9);
      await subject.queue.enqueue([reminder("U1", later), reminder("U1", soon), reminder("U10", soon)]);
      const inboxId = (await store.findInbox("sms", "+15550001111"))?.id as number;
      const reminders = await store.remindersOf("U1", [inboxId]);
      expect(reminders.map((r) => [r.runAt, r.conversation.conversationId])).toEqual([
        [new Date(soon), conversationId],
        [new Date(later), conversationId],
      ]);
      expect(reminders[0]?.conversation).toMatchObject({ contactAddress: "+15557654321", status: "open" });
      expect(await store.remindersOf("U2", [inboxId])).toEqual([]);
      // Reminders on conversations of other inboxes (channels the person is not in) are left out.
      expect(await store.remindersOf("U1", [inboxId + 1])).toEqual([]);
      expect(await store.remindersOf("U1", [])).toEqual([]);
    });

    it("lists a channel's open assignments, and unassigns only while the assignee still has the conversation", async () => {
      const first = await record(inbound("one", { contactAddress: "+15557650001" }));
      const second = await record(inbound("two", { contactAddress: "+15557650002" }));
      const elsewhere = await record(inbound("three", { inboxAddress: "+15550002222" }));
      if (first.result !== "recorded" || second.result !== "recorded" || elsewhere.result !== "recorded") {
        throw new Error("not recorded");
      }
      for (const address of ["+15550001111", "+15550002222"]) {
        await store.connectInbox({
          kind: "sms",
          address,
          to: address.endsWith("1111") ? "C1" : "C2",
          userId: "U1",
          from: [null],
        });
      }
      await store.write({
        conversations: [
          [first.conversationId, { assigneeId: "U1" }],
          [second.conversationId, { assigneeId: "U2", status: "closed" }],
          [elsewhere.conversationId, { assigneeId: "U1" }],
        ],
      });
      expect(await store.openAssignmentsIn("C1")).toEqual([
        { conversationId: first.conversationId, assigneeId: "U1" },
      ]);
      expect(await store.openAssignmentsIn("C9")).toEqual([]);

      announced = [];
      const job = noticeJob(first.conversationId, "unassigned");
      expect(await store.unassign(first.conversationId, "U2", [job])).toBe(false);
      expect(await store.unassign(second.conversationId, "U2", [job])).toBe(false);
      expect(announced).toEqual([]);
      expect(await store.unassign(first.conversationId, "U1", [job])).toBe(true);
      expect(announced.map((queued) => queued.payload)).toEqual([job.payload]);
      expect((await store.conversationContext(first.conversationId))?.conversation.assigneeId).toBeNull();
      expect(await store.unassign(first.conversationId, "U1", [job])).toBe(false);
      expect(await store.openAssignmentsIn("C1")).toEqual([]);
    });

    it("keeps each channel's team settings, and gives them to the inbound decision of its inboxes", async () => {
      expect(await store.teamSettings("C1")).toEqual({ hours: null, awayMessage: null, slaMinutes: null });
      const hours = "Mon-Fri 09:00-17:00 America/New_York";
      expect(await store.saveTeamSettings("C1", { hours, awayMessage: "closed" }, "U1")).toEqual({
        hours,
        awayMessage: "closed",
        slaMinutes: null,
      });
      await store.saveTeamSettings("C1", { slaMinutes: 15, awayMessage: null }, "U2");
      expect(await store.teamSettings("C1")).toEqual({ hours, awayMessage: null, slaMinutes: 15 });

      const teams: unknown[] = [];
      const decide = (state: { team: unknown }) => {
        teams.push(state.team);
        return { conversation: {}, jobs: () => [] };
      };
      // Not connected to a channel: no team.
      await store.recordInbound(inbound("before"), decide);
      await store.connectInbox({
        kind: "sms",
        address: "+15550001111",
        to: "C1",
        userId: "U1",
        from: [null],
      });
      await store.recordInbound(inbound("after"), decide);
      await store.connectInbox({
        kind: "sms",
        address: "+15550001111",
        to: "C2",
        userId: "U1",
        from: ["C1"],
      });
      await store.recordInbound(inbound("moved"), decide);
      expect(teams).toEqual([
        null,
        { hours, awayMessage: null, slaMinutes: 15 },
        { hours: null, awayMessage: null, slaMinutes: null },
      ]);
    });

    it("records an inbound message's automatic answer with it, and the ids for its jobs", async () => {
      const away = new Date("2026-11-27T14:00:00.000Z");
      const since = new Date("2026-11-26T23:00:00.000Z");
      const outcome = await store.recordInbound(inbound("hello"), () => ({
        conversation: { awayRepliedUntil: away, unansweredSince: since },
        autoReply: "We're closed",
        jobs: ({ conversationId, messageId, autoReplyId }) => [
          noticeJob(conversationId, `${messageId}:${autoReplyId}`),
        ],
      }));
      if (outcome.result !== "recorded") throw new Error("not recorded");
      const messages = await store.conversationMessages(outcome.conversationId);
      expect(messages.map((m) => [m.direction, m.body, m.status, m.authorSlackUserId])).toEqual([
        ["in", "hello", "received", null],
        ["out", "We're closed", "pending", null],
      ]);
      expect(announced.map((job) => job.payload)).toEqual([
        { conversationId: outcome.conversationId, text: `${outcome.messageId}:${messages[1]?.id}` },
      ]);
      const context = await store.conversationContext(outcome.conversationId);
      expect(context?.conversation).toMatchObject({ awayRepliedUntil: away, unansweredSince: since });
      // Delivered, it still answers nothing: App Home counts the customer as waiting.
      await store.write({ messages: [[messages[1]?.id as number, { status: "delivered" }]] });
      const [queue] = await store.unassignedOpen([context?.inbox.id as number], 5);
      expect(queue?.summaries[0]?.waitingSince).toEqual(new Date("2026-11-26T10:00:00.000Z"));

      // Without one, the jobs are told there is none.
      const ids: unknown[] = [];
      await store.recordInbound(inbound("again"), () => ({
        conversation: {},
        jobs: ({ autoReplyId }) => {
          ids.push(autoReplyId);
          return [];
        },
      }));
      expect(ids).toEqual([null]);
    });

    it("records one nudge per wait with the jobs that post it, and lists them", async () => {
      const outcome = await record(inbound("waiting"));
      if (outcome.result !== "recorded") throw new Error("not recorded");
      const { conversationId } = outcome;
      const nudge = {
        conversationId,
        unansweredSince: new Date("2026-11-26T10:00:00.000Z"),
        assigneeId: "U1",
        postedAt: new Date("2026-11-26T10:15:00.000Z"),
      };
      expect(await store.recordNudge(nudge, [noticeJob(conversationId, "nudge")])).toBe(true);
      expect(await store.recordNudge(nudge, [noticeJob(conversationId, "again")])).toBe(false);
      const later = {
        ...nudge,
        unansweredSince: new Date("2026-11-26T11:00:00.000Z"),
        assigneeId: null,
        postedAt: new Date("2026-11-26T11:15:00.000Z"),
      };
      expect(await store.recordNudge(later, [])).toBe(true);
      expect(announced.map((job) => job.payload)).toEqual([{ conversationId, text: "nudge" }]);
      expect(await store.conversationNudges(conversationId)).toEqual([nudge, later]);
    });

    it("ends the customer's wait when an agent's reply is recorded", async () => {
      const outcome = await record(inbound("waiting"), {
        conversation: { unansweredSince: new Date("2026-11-26T10:00:00.000Z") },
      });
      if (outcome.result !== "recorded") throw new Error("not recorded");
      const reply = {
        conversationId: outcome.conversationId,
        provider: "sms" as const,
        channelId: "C1",
        ts: "1700000000.000900",
        userId: "U1",
        text: "on it",
        files: [],
      };
      expect(await store.recordReply(reply, () => [])).not.toBeNull();
      const context = await store.conversationContext(outcome.conversationId);
      expect(context?.conversation.unansweredSince).toBeNull();
    });
  });
}
