import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, customerNumber, Harness, publicUrl, supportChannel, waitFor } from "./harness.js";

let harness: Harness;
let parent: StoredMessage;

const png = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

async function start(overrides: Parameters<typeof Harness.start>[0] = {}) {
  harness = await Harness.start(overrides);
  await harness.connectInbox();
  await harness.sms("Hello");
  parent = await harness.waitForParent();
  await waitFor(() => harness.replies(parent.ts).length === 1);
}

afterEach(async () => {
  await harness.stop();
});

const lines = () => harness.replies(parent.ts).map((m) => m.text);
const reactionsOn = (ts: string) =>
  harness.slack.reactions.filter((r) => r.timestamp === ts).map((r) => r.name);

describe("MMS in", () => {
  beforeEach(() => start());

  it("uploads the customer's image into the thread, bytes and all", async () => {
    const url = harness.twilio.addMedia(png, "image/png");
    await harness.sms("Here is the photo", { media: [{ url, contentType: "image/png" }] });
    const upload = await waitFor(() => harness.slack.uploads.find((u) => u.thread_ts === parent.ts));
    expect(upload.channel).toBe(supportChannel);
    expect(Buffer.compare(upload.bytes, png)).toBe(0);
    expect(lines()).toContain("Here is the photo");
  });

  it("says so in the thread when the media can't be downloaded, and still delivers the text", async () => {
    const url = harness.twilio.addMedia(png, "image/jpeg").replace(/ME[0-9a-f]+$/, `ME${"0".repeat(32)}`);
    await harness.sms("Photo attached", { media: [{ url, contentType: "image/jpeg" }] });
    await waitFor(() => lines().some((l) => l.includes("could not be downloaded")));
    expect(lines()).toContain("Photo attached");
    expect(lines().find((l) => l.includes("could not be downloaded"))).toContain("image/jpeg");
    expect(harness.slack.uploads).toHaveLength(0);
  });

  it("refuses media links that are not Twilio's", async () => {
    await harness.sms("", { media: [{ url: "https://evil.example/x.jpg", contentType: "image/jpeg" }] });
    await waitFor(() => lines().some((l) => l.includes("is not a Twilio address")));
    expect(lines()).toContain("📎 sent 1 attachment");
  });
});

describe("files out", () => {
  it("sends an agent's image as MMS through an expiring link that serves the same bytes", async () => {
    await start({ overrides: { mediaTtlMs: 2_000 } });
    const file = harness.slack.addFile({
      name: "receipt.png",
      mimetype: "image/png",
      bytes: png,
      user: agent.id,
    });
    await harness.slack.userMessage({
      channel: supportChannel,
      user: agent.id,
      text: "Your receipt",
      thread_ts: parent.ts,
      files: [file],
    });
    const sent = await waitFor(() => harness.twilio.sent[0]);
    expect(sent.Body).toBe("Your receipt");
    expect(sent.MediaUrl).toHaveLength(1);
    const mediaUrl = sent.MediaUrl[0] as string;
    expect(mediaUrl.startsWith(`${publicUrl}/media/`)).toBe(true);
    const local = mediaUrl.replace(publicUrl, harness.baseUrl);
    const served = await fetch(local);
    expect(served.status).toBe(200);
    expect(Object.fromEntries(served.headers)).toMatchObject({
      "content-type": "image/png",
      "content-disposition": "inline; filename*=UTF-8''receipt.png",
      "content-security-policy": "default-src 'none'; sandbox",
      "x-content-type-options": "nosniff",
    });
    expect(Buffer.compare(Buffer.from(await served.arrayBuffer()), png)).toBe(0);
    // The link stops working once its 2 s are up.
    await waitFor(async () => (await fetch(local)).status === 404);
    expect((await fetch(`${harness.baseUrl}/media/not-a-real-token-at-all`)).status).toBe(404);
  });

  it("refuses a file type SMS can't carry, with the reason in the thread", async () => {
    await start();
    const file = harness.slack.addFile({
      name: "notes.zip",
      mimetype: "application/zip",
      bytes: png,
      user: agent.id,
    });
    const { ts } = await harness.slack.userMessage({
      channel: supportChannel,
      user: agent.id,
      text: "zip",
      thread_ts: parent.ts,
      files: [file],
    });
    await waitFor(() =>
      lines().some((l) => l.startsWith("⚠️ Not sent to the customer: SMS can carry only JPEG")),
    );
    await waitFor(() => reactionsOn(ts).includes("x"));
    expect(harness.twilio.sent).toHaveLength(0);
  });
});

describe("delivery receipts", () => {
  beforeEach(() => start());

  async function sentReply(text: string) {
    const { ts } = await harness.reply(parent.ts, text);
    const sent = await waitFor(() => harness.twilio.sent.find((m) => m.Body === text));
    return { ts, sid: sent.sid };
  }

  it("marks a delivered reply ✅", async () => {
    const { ts, sid } = await sentReply("Delivered one");
    expect((await harness.statusCallback(sid, "sent")).status).toBe(200);
    expect((await harness.statusCallback(sid, "delivered")).status).toBe(200);
    await waitFor(() => reactionsOn(ts).includes("white_check_mark"));
  });

  it("marks an undelivered reply ❌ and explains why in the thread", async () => {
    const { ts, sid } = await sentReply("Filtered one");
    await harness.statusCallback(sid, "undelivered", 30007);
    await waitFor(() => reactionsOn(ts).includes("x"));
    const line = await waitFor(() => lines().find((l) => l.startsWith("⚠️ Not delivered")));
    expect(line).toContain("the carrier filtered it as spam (Twilio error 30007)");
  });

  it("never moves a status backwards: a late 'sent' or 'undelivered' after 'delivered' changes nothing", async () => {
    const { ts, sid } = await sentReply("Out of order");
    await harness.statusCallback(sid, "delivered");
    await waitFor(() => reactionsOn(ts).includes("white_check_mark"));
    await harness.statusCallback(sid, "sent");
    await harness.statusCallback(sid, "undelivered", 30003);
    await harness.statusCallback(sid, "delivered");
    await harness.idle();
    expect(reactionsOn(ts)).toEqual(["white_check_mark"]);
    expect(lines().some((l) => l.startsWith("⚠️"))).toBe(false);
    expect(harness.logs.find("stale delivery status ignored")).toBeDefined();
  });

  it("refuses a forged status callback", async () => {
    const { ts, sid } = await sentReply("Forged");
    const answer = await harness.twilio.sendStatusCallback({
      webhookUrl: `${harness.baseUrl}/webhooks/twilio/status`,
      messageSid: sid,
      status: "undelivered",
      errorCode: 30007,
      signature: "Zm9yZ2Vk",
    });
    expect(answer.status).toBe(403);
    expect(harness.logs.find("Twilio status callback: signature rejected")).toBeDefined();
    await harness.idle();
    expect(reactionsOn(ts)).toEqual([]);
  });

  it("reports a send-time refusal (21610) at once: ❌ and 'opted out', without retrying", async () => {
    harness.twilio.failNext({
      status: 400,
      code: 21610,
      message: "Attempt to send to unsubscribed recipient",
    });
    const { ts } = await harness.reply(parent.ts, "Are you there?");
    await waitFor(() => reactionsOn(ts).includes("x"));
    const line = await waitFor(() => lines().find((l) => l.startsWith("⚠️")));
    expect(line).toContain("the customer has opted out (texted STOP)");
    expect(harness.twilio.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });
});

describe("opt-out", () => {
  beforeEach(() => start());

  it("STOP blocks replies (agent told, nothing sent), START lets them through again", async () => {
    await harness.sms("STOP");
    await waitFor(() =>
      JSON.stringify(harness.slack.messages.find((m) => m.ts === parent.ts)?.blocks).includes("Opted out"),
    );
    await waitFor(() => lines().some((l) => l.includes("The customer opted out")));
    const { ts } = await harness.reply(parent.ts, "Please reconsider");
    await waitFor(() =>
      lines().some((l) => l.startsWith("⚠️ Not sent to the customer: the customer has opted out")),
    );
    await waitFor(() => reactionsOn(ts).includes("x"));
    expect(harness.twilio.sent).toHaveLength(0);

    await harness.sms("start");
    await waitFor(() => lines().some((l) => l.includes("opted back in")));
    await waitFor(
      () =>
        !JSON.stringify(harness.slack.messages.find((m) => m.ts === parent.ts)?.blocks).includes("Opted out"),
    );
    await harness.reply(parent.ts, "Welcome back");
    const sent = await waitFor(() => harness.twilio.sent[0]);
    expect(sent).toMatchObject({ To: customerNumber, Body: "Welcome back" });
  });

  it("does not treat a sentence containing stop as an opt-out", async () => {
    await harness.sms("Please stop calling me at work");
    await waitFor(() => lines().includes("Please stop calling me at work"));
    await harness.reply(parent.ts, "Noted");
    await waitFor(() => harness.twilio.sent.length === 1);
  });
});
