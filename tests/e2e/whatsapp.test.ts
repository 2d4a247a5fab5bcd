import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import type { MessageStatus } from "../../src/simulators/twilio/wire.js";
import { withTestPrisma } from "../support/prisma.js";
import { agent, customerNumber, Harness, publicUrl, supportChannel, waitFor } from "./harness.js";

/** The Twilio WhatsApp sender the tests connect. */
const sender = "+15550003333";
const hour = 3_600_000;

let harness: Harness;
/** How far the app's and the simulator's clocks are ahead of real time. */
let offset: number;

const png = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

beforeEach(async () => {
  offset = 0;
  harness = await Harness.start({ overrides: { now: () => Date.now() + offset } });
  harness.twilio.now = () => Date.now() + offset;
});

afterEach(async () => {
  await harness.stop();
});

function whatsapp(
  body: string,
  options: { profileName?: string; media?: { url: string; contentType: string }[] } = {},
) {
  return harness.twilio.sendWhatsAppInbound({
    webhookUrl: `${harness.baseUrl}/webhooks/twilio`,
    publicUrl: `${publicUrl}/webhooks/twilio`,
    from: customerNumber,
    to: sender,
    body,
    ...options,
  });
}

function statusCallback(messageSid: string, status: MessageStatus) {
  return harness.twilio.sendStatusCallback({
    webhookUrl: `${harness.baseUrl}/webhooks/twilio/status`,
    messageSid,
    status,
  });
}

const lines = (parent: StoredMessage) => harness.replies(parent.ts).map((message) => message.text);

/** Connects the sender, lets Maya write, and returns the thread's parent once her message is in it. */
async function conversation(): Promise<StoredMessage> {
  expect(await harness.command(`connect whatsapp ${sender}`)).toContain("Connected WhatsApp");
  const answer = await whatsapp("Is my order ready?", { profileName: "Maya Lopez" });
  expect(answer.status).toBe(200);
  const parent = await harness.waitForParent();
  await waitFor(() => lines(parent).includes("Is my order ready?"));
  return parent;
}

describe("WhatsApp through Twilio", () => {
  it("posts the customer's message under a parent that says WhatsApp and names them by ProfileName", async () => {
    const parent = await conversation();
    expect(parent.text).toContain("Maya Lopez");
    expect(parent.text).toContain("WhatsApp");
    expect(harness.twilio.sent).toHaveLength(0);

    // A new ProfileName (the customer renamed themselves in WhatsApp) updates the parent.
    await whatsapp("It's me again", { profileName: "Maya L." });
    await waitFor(() => harness.parents()[0]?.text.includes("Maya L."));
    expect(harness.parents()).toHaveLength(1);
  });

  it("answers /threadline template with the reply to write in the thread", async () => {
    const answer = await harness.command("template HX0123 Maya");
    expect(answer).toContain("reply there with `template: <template id> [variables…]`");
    expect(answer).toContain("{{1}}, {{2}}");
  });

  it("sends replies from whatsapp:<sender> to whatsapp:<customer>, and marks them when read", async () => {
    const parent = await conversation();
    await harness.reply(parent.ts, "Yes, come by at 5");
    const sent = await waitFor(() => harness.twilio.sent[0]);
    expect(sent).toMatchObject({
      From: `whatsapp:${sender}`,
      To: `whatsapp:${customerNumber}`,
      Body: "Yes, come by at 5",
      StatusCallback: `${publicUrl}/webhooks/twilio/status`,
    });
    const reply = harness.slack
      .threadReplies(supportChannel, parent.ts)
      .find((m) => m.text === "Yes, come by at 5");
    // WhatsApp reports "read" (EventType=READ); it may arrive without a "delivered" before it.
    expect((await statusCallback(sent.sid, "sent")).status).toBe(200);
    const read = await statusCallback(sent.sid, "read");
    expect(read.params).toMatchObject({ ChannelPrefix: "whatsapp", EventType: "READ" });
    await waitFor(() =>
      harness.slack.reactions.some((r) => r.timestamp === reply?.ts && r.name === "white_check_mark"),
    );
    const stored = await withTestPrisma(harness.databaseUrl, (prisma) =>
      prisma.message.findFirstOrThrow({ where: { direction: "out" } }),
    );
    expect(stored.status).toBe("read");
  });

  it("shows Twilio's 63016 in the thread when WhatsApp refuses a reply the app still thought in the window", async () => {
    const parent = await conversation();
    // WhatsApp's clock, not ours, decides in the end: the simulator's is a day ahead.
    harness.twilio.now = () => Date.now() + 25 * hour;
    await harness.reply(parent.ts, "Still there?");
    const sent = await waitFor(() => harness.twilio.sent[0]);
    expect(sent).toMatchObject({ status: "failed", errorCode: 63016 });
    const callback = await statusCallback(sent.sid, "failed");
    expect(callback.params.ErrorCode).toBe("63016");
    const notice = await waitFor(() => lines(parent).find((line) => line.startsWith("⚠️ Not delivered")));
    expect(notice).toContain("allows only an approved template after that (Twilio error 63016)");
  });

  it("refuses a free-form reply outside the 24-hour window before calling Twilio, and says so in the thread", async () => {
    const parent = await conversation();
    offset = 25 * hour;
    await harness.reply(parent.ts, "Sorry for the wait!");
    const notice = await waitFor(() => lines(parent).find((line) => line.startsWith("⚠️ Not sent")));
    expect(notice).toContain("more than 24 hours old");
    expect(notice).toContain("template:");
    expect(harness.twilio.sent).toHaveLength(0);
    expect(harness.logs.find("reply not delivered")).toMatchObject({ code: "OUTSIDE_REPLY_WINDOW" });
  });

  it("sends an approved template with ContentSid and ContentVariables, also outside the window", async () => {
    const contentSid = harness.twilio.addContentTemplate("Hi {{1}}, your order is ready for pickup {{2}}.");
    const parent = await conversation();
    offset = 30 * hour;
    await harness.reply(parent.ts, `template: ${contentSid} Maya “on Tuesday at 3pm”`);
    const sent = await waitFor(() => harness.twilio.sent[0]);
    expect(sent).toMatchObject({
      From: `whatsapp:${sender}`,
      To: `whatsapp:${customerNumber}`,
      ContentSid: contentSid,
      ContentVariables: { "1": "Maya", "2": "on Tuesday at 3pm" },
      Body: "Hi Maya, your order is ready for pickup on Tuesday at 3pm.",
      MediaUrl: [],
    });
    expect(harness.twilio.requests.at(-1)?.params).not.toHaveProperty("Body");
  });

  it("tells the agent when a template id is not one, and sends nothing", async () => {
    const parent = await conversation();
    await harness.reply(parent.ts, "template: welcome Maya");
    const notice = await waitFor(() => lines(parent).find((line) => line.startsWith("⚠️ Not sent")));
    expect(notice).toContain("`welcome` is not a WhatsApp template id");
    expect(harness.twilio.sent).toHaveLength(0);
  });

  it("carries media both ways", async () => {
    const parent = await conversation();
    const url = harness.twilio.addMedia(png, "image/png");
    await whatsapp("Here is the label", { media: [{ url, contentType: "image/png" }] });
    const upload = await waitFor(() => harness.slack.uploads.find((u) => u.thread_ts === parent.ts));
    expect(Buffer.compare(upload.bytes, png)).toBe(0);

    const file = harness.slack.addFile({
      name: "map.png",
      mimetype: "image/png",
      bytes: png,
      user: agent.id,
    });
    await harness.slack.userMessage({
      channel: supportChannel,
      user: agent.id,
      text: "Find us here",
      thread_ts: parent.ts,
      files: [file],
    });
    const sent = await waitFor(() => harness.twilio.sent[0]);
    expect(sent.To).toBe(`whatsapp:${customerNumber}`);
    expect(sent.MediaUrl).toHaveLength(1);
    expect(sent.MediaUrl[0]?.startsWith(`${publicUrl}/media/`)).toBe(true);
  });

  it("checks the signature exactly as for SMS: a forged WhatsApp webhook changes nothing", async () => {
    expect(await harness.command(`connect whatsapp ${sender}`)).toContain("Connected WhatsApp");
    const forged = await harness.twilio.sendWhatsAppInbound({
      webhookUrl: `${harness.baseUrl}/webhooks/twilio`,
      publicUrl: `${publicUrl}/webhooks/twilio`,
      from: customerNumber,
      to: sender,
      body: "hello",
      signature: "bm90LXRoZS1zaWduYXR1cmU=",
    });
    expect(forged.status).toBe(403);
    await harness.idle();
    expect(harness.parents()).toHaveLength(0);
    expect(harness.logs.find("Twilio webhook: signature rejected")).toBeDefined();
  });

  it("lets /threadline text write first only with a template", async () => {
    const contentSid = harness.twilio.addContentTemplate("Hello {{1}}, we have news about your order.");
    expect(await harness.command(`connect whatsapp ${sender}`)).toContain("Connected WhatsApp");
    const refused = await harness.command(`text ${customerNumber} Your order is ready`);
    expect(refused).toContain("WhatsApp lets a business write first only with an approved template");
    expect(refused).toContain("Nothing was sent");
    expect(harness.twilio.sent).toHaveLength(0);

    const started = await harness.command(`text ${customerNumber} template: ${contentSid} Maya`);
    expect(started).toContain("Sending to");
    const sent = await waitFor(() => harness.twilio.sent[0]);
    expect(sent).toMatchObject({
      From: `whatsapp:${sender}`,
      To: `whatsapp:${customerNumber}`,
      ContentSid: contentSid,
      Body: "Hello Maya, we have news about your order.",
    });
  });

  it("picks the WhatsApp inbox of a number that is also an SMS inbox when `from` says whatsapp:", async () => {
    const contentSid = harness.twilio.addContentTemplate("Hello {{1}}.");
    expect(await harness.command(`connect sms ${sender}`)).toContain("Connected SMS");
    expect(await harness.command(`connect whatsapp ${sender}`)).toContain("Connected WhatsApp");
    const started = await harness.command(
      `text ${customerNumber} from whatsapp:${sender} template: ${contentSid} Leo`,
    );
    expect(started).toContain("from WhatsApp");
    const sent = await waitFor(() => harness.twilio.sent[0]);
    expect(sent).toMatchObject({ From: `whatsapp:${sender}`, Body: "Hello Leo." });
  });

  it("treats STOP as an ordinary message, as Twilio does for WhatsApp: nothing is blocked", async () => {
    const parent = await conversation();
    await whatsapp("STOP");
    await waitFor(() => lines(parent).includes("STOP"));
    await harness.reply(parent.ts, "Noted, we won't send promotions.");
    const sent = await waitFor(() => harness.twilio.sent[0]);
    expect(sent.Body).toBe("Noted, we won't send promotions.");
    expect(lines(parent).some((line) => line.includes("opted out"))).toBe(false);
  });
});
