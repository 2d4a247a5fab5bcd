import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Conversations } from "../../../src/core/conversations.js";
import { DeliveryError } from "../../../src/core/errors.js";
import { type PrismaClient, testPrisma } from "../../support/prisma.js";
import {
  RecordingChannel,
  RecordingSlack,
  registryOf,
  startCore,
  type TestCore,
  type TestDatabase,
} from "./harness.js";

/* The core decides which parts of a reply remain: recorded parts are never sent again, and a status that
 * arrives for a part while the reply is still going out is summed up when it finishes. */

let core: TestCore;
let db: TestDatabase;
let prisma: PrismaClient;
let slack: RecordingSlack;
let sms: RecordingChannel;
let conversations: Conversations;
let threadTs: string;

beforeEach(async () => {
  slack = new RecordingSlack();
  sms = new RecordingChannel("sms");
  sms.partLength = 10;
  const channels = registryOf(sms);
  core = await startCore({ slack, channels, maxAttempts: 5 });
  ({ db, conversations } = core);
  prisma = testPrisma(db.connection.filePath);
  await core.commands.run("connect sms +15550001111", {
    channelId: "C1",
    userId: "U1",
  });
  await conversations.receive({
    kind: "sms",
    inboxAddress: "+15550001111",
    contactAddress: "+15551230001",
    providerMessageId: `SM${"1".padStart(32, "0")}`,
    text: "hi",
    attachments: [],
    receivedAt: new Date(),
  });
  await vi.waitFor(() => expect(slack.posts).toHaveLength(1));
  threadTs = slack.parents[0]?.ts as string;
});

afterEach(async () => {
  await prisma.$disconnect();
  await core.stop();
});

const reply = (text: string) =>
  conversations.agentReplied({
    channelId: "C1",
    threadTs,
    ts: "1800000000.000001",
    userId: "U2",
    files: [],
    text,
  });
const outbound = () => prisma.message.findFirstOrThrow({ where: { direction: "out" } });

describe("a reply in parts", () => {
  it("sends only the parts not yet accepted after a part fails, and records every part's id", async () => {
    sms.failures.push(
      null,
      new DeliveryError("TWILIO_UNAVAILABLE", "Twilio answered 503", { transient: true }),
    );
    await reply("aaaaaaaaaabbbbbbbbbbcccc");
    await vi.waitFor(async () => expect((await outbound()).status).toBe("queued"));
    expect(sms.sent.map((part) => [part.index, part.text])).toEqual([
      [0, "aaaaaaaaaa"],
      [1, "bbbbbbbbbb"],
      [2, "cccc"],
    ]);
    const message = await outbound();
    expect(message.providerMessageId).toBe("SM1");
    expect((await db.store.sentParts(message.id)).map((part) => part.providerMessageId)).toEqual([
      "SM1",
      "SM2",
      "SM3",
    ]);
  });

  it("shows a part's failure reported while the rest was still being sent, once the reply is out", async () => {
    sms.afterPart = async (part) => {
      if (part.index !== 0) return;
      const result = await conversations.providerStatusChanged({
        kind: "sms",
        providerMessageId: part.providerMessageId,
        status: "undelivered",
        errorCode: "30003",
        reason: "the customer's phone is unreachable",
      });
      expect(result).toBe("updated");
    };
    await reply("aaaaaaaaaabbbb");
    await vi.waitFor(async () => expect((await outbound()).status).toBe("undelivered"));
    expect((await outbound()).errorMessage).toBe("the customer's phone is unreachable");
    await vi.waitFor(() =>
      expect(slack.posts.map((p) => p.post.text)).toContain(
        "⚠️ Not delivered to the customer: the customer's phone is unreachable",
      ),
    );
    expect(slack.reactions.map((r) => r.name)).toEqual(["x"]);
  });

  it("a later status for a part that already failed, or an old one, changes nothing", async () => {
    await reply("aaaaaaaaaabbbb");
    await vi.waitFor(async () => expect((await outbound()).status).toBe("queued"));
    const status = (providerMessageId: string, value: "sent" | "delivered" | "failed") =>
      conversations.providerStatusChanged({ kind: "sms", providerMessageId, status: value, reason: "r" });
    expect(await status("SM2", "failed")).toBe("updated");
    expect(await status("SM2", "sent")).toBe("stale");
    expect(await status("SM1", "delivered")).toBe("updated");
    expect((await outbound()).status).toBe("failed");
    expect(await status("SM9", "delivered")).toBe("unknown");
  });
});
