import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { events, instagramEvents, instagramNotification } from "../../src/simulators/meta/payloads.js";
import { graphErrors } from "../../src/simulators/meta/wire.js";
import { agent, Harness, supportChannel, waitFor } from "./harness.js";

/*
 * Instagram Direct through the real app: Meta's signed webhook at /webhooks/messenger with "object":
 * "instagram", the real Bolt app against the Slack simulator, replies to the Graph simulator's Send API.
 */

const day = 24 * 3_600_000;
const igsid = "9000000000004321";
const maya = { name: "Maya Lopez", username: "maya.lopez", profile_pic: "https://pics.example/maya.jpg" };

let harness: Harness;
let account: string;

beforeEach(async () => {
  harness = await Harness.start();
  account = harness.graph.instagram?.id as string;
  harness.graph.instagramProfiles.set(igsid, maya);
});

afterEach(async () => {
  await harness.stop();
});

const inbound = (...evts: Record<string, unknown>[]) =>
  harness.messengerWebhook(instagramNotification([{ accountId: account, events: evts }]));

async function connectAccount() {
  expect(await harness.command(`connect instagram ${account}`)).toContain(
    `Connected Instagram ${account} to this channel`,
  );
}

async function thread(count: number) {
  const parent = await harness.waitForParent();
  const replies = await waitFor(
    () => harness.replies(parent.ts).length >= count && harness.replies(parent.ts),
  );
  return { parent, replies };
}

describe("customer → Slack", () => {
  beforeEach(connectAccount);

  it("starts a thread that says Instagram and names the customer by name and @username", async () => {
    const response = await inbound(events.text(account, igsid, "Do you ship to Lisbon? 📦"));
    expect(response.status).toBe(200);
    const { parent, replies } = await thread(1);
    expect(parent.text).toContain("Conversation with Maya Lopez (@maya.lopez)");
    const blocks = JSON.stringify(parent.blocks);
    expect(blocks).toContain("*Instagram*");
    expect(blocks).toContain("https://pics.example/maya.jpg");
    expect(replies[0]).toMatchObject({
      text: "Do you ship to Lisbon? 📦",
      username: "Maya Lopez (@maya.lopez)",
    });
    expect(harness.graph.profileRequests).toEqual([igsid]);
  });

  it("titles the thread with a fallback while the profile lookup fails, and names the customer later", async () => {
    harness.graph.profileFailure = graphErrors.unexpected;
    await inbound(events.text(account, igsid, "hi"));
    const { parent } = await thread(1);
    expect(parent.text).toContain("Conversation with Instagram user …4321");
    harness.graph.profileFailure = null;
    await waitFor(() => harness.parents()[0]?.text.includes("Conversation with Maya Lopez (@maya.lopez)"));
    expect(harness.parents()).toHaveLength(1);
  });

  it("uploads a photo the customer sent into the thread", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const url = harness.graph.hostFile("ig-photo.png", png, "image/png");
    await inbound(events.attachments(account, igsid, [{ type: "image", url }]));
    const { parent } = await thread(1);
    const upload = await waitFor(() => harness.slack.uploads.find((u) => u.thread_ts === parent.ts));
    expect(Buffer.compare(upload.bytes, png)).toBe(0);
  });

  it("shows a story reply with a link to the story, and a story mention as a link", async () => {
    const story = {
      id: "18000000000000001",
      url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1",
    };
    await inbound(
      instagramEvents.storyReply(account, igsid, "Love this colour!", story),
      instagramEvents.storyMention(
        account,
        igsid,
        "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=2",
      ),
    );
    const { replies } = await thread(2);
    expect(replies.map((reply) => reply.text)).toEqual([
      "↩️ Replied to your story: https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1\nLove this colour!",
      "🔗 Mentioned you in their story: https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=2",
    ]);
    await harness.idle();
    // Meta forbids keeping a story's media: nothing is downloaded or uploaded.
    expect(harness.slack.uploads).toHaveLength(0);
    expect(harness.graph.cdn.requests).toBe(0);
  });

  it("refuses a forged signature with 403 and posts nothing", async () => {
    const response = await harness.messengerWebhook(
      instagramNotification([{ accountId: account, events: [events.text(account, igsid, "forged")] }]),
      { appSecret: "not-the-app-secret" },
    );
    expect(response.status).toBe(403);
    await harness.idle();
    expect(harness.parents()).toHaveLength(0);
    expect(harness.logs.find("Messenger webhook signature rejected")).toBeDefined();
  });

  it("refuses a subscription object it does not bridge with 400 and says which it takes", async () => {
    const response = await harness.messengerWebhook({ object: "whatsapp_business_account", entry: [] });
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string };
    expect(answer.error).toContain('object must be "page" or "instagram"');
    expect(harness.logs.find("malformed Messenger webhook")).toBeDefined();
  });
});

describe("a message to an Instagram account no channel has connected", () => {
  it("is answered 200, logged, kept, and posted once the account is connected", async () => {
    const response = await inbound(events.text(account, igsid, "anyone there?"));
    expect(response.status).toBe(200);
    const parked = await waitFor(() => harness.logs.find("delivery job parked"));
    expect(parked.reason).toContain(`inbox ${account} is not connected to a Slack channel`);
    expect(harness.parents()).toHaveLength(0);
    await connectAccount();
    const { replies } = await thread(1);
    expect(replies[0]?.text).toBe("anyone there?");
  });
});

describe("Slack → customer", () => {
  beforeEach(connectAccount);

  async function conversationAged(ageMs: number) {
    await inbound(events.text(account, igsid, "hello", { timestamp: Date.now() - ageMs }));
    return (await thread(1)).parent;
  }

  it("sends a reply through the Page's Send API (me/messages, Page token) as a RESPONSE", async () => {
    const parent = await conversationAged(60_000);
    await harness.reply(parent.ts, "Yes, <@U0AGENT> ships there &amp; more");
    const [sent] = await waitFor(() => harness.graph.sends.length === 1 && harness.graph.sends);
    // The simulator refuses any other token (Graph's code 190) and the Instagram account's id as the path.
    expect(sent).toMatchObject({
      page: "me",
      body: {
        recipient: { id: igsid },
        messaging_type: "RESPONSE",
        message: { text: "Yes, @Ana ships there & more" },
      },
    });
    expect(sent?.body.tag).toBeUndefined();
    // The metrics count Instagram's messages under its own channel label.
    await harness.idle();
    const metrics = await (await fetch(harness.metricsUrl)).text();
    expect(metrics).toMatch(
      /^threadline_messages_total\{direction="in",channel="instagram",result="recorded"\} 1$/m,
    );
    expect(metrics).toMatch(
      /^threadline_messages_total\{direction="out",channel="instagram",result="sent"\} 1$/m,
    );
  });

  it("splits a reply longer than Instagram's 1000 bytes into parts that each fit", async () => {
    const parent = await conversationAged(60_000);
    const long = "é".repeat(700); // 700 characters, 1400 bytes in UTF-8
    await harness.reply(parent.ts, long);
    await waitFor(() => harness.graph.sends.length === 2);
    const texts = harness.graph.sends.map((send) => send.body.message.text as string);
    for (const text of texts) expect(Buffer.byteLength(text, "utf8")).toBeLessThanOrEqual(1000);
    expect(texts.join("")).toBe(long);
  });

  it("sends an agent's image as an image attachment", async () => {
    const parent = await conversationAged(60_000);
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const file = harness.slack.addFile({
      name: "map.png",
      mimetype: "image/png",
      bytes: png,
      user: agent.id,
    });
    await harness.slack.userMessage({
      channel: supportChannel,
      user: agent.id,
      text: "",
      thread_ts: parent.ts,
      files: [file],
    });
    const attachment = await waitFor(() => harness.graph.sends[0]?.body.message.attachment);
    expect(attachment.type).toBe("image");
    expect(String(attachment.payload.url)).toMatch(/\/media\//);
  });

  it("refuses a file Instagram cannot carry, in plain words, and sends nothing", async () => {
    const parent = await conversationAged(60_000);
    const file = harness.slack.addFile({
      name: "invoice.pdf",
      mimetype: "application/pdf",
      bytes: Buffer.from("%PDF-1.4"),
      user: agent.id,
    });
    await harness.slack.userMessage({
      channel: supportChannel,
      user: agent.id,
      text: "",
      thread_ts: parent.ts,
      files: [file],
    });
    const notice = await waitFor(() => harness.replies(parent.ts).find((m) => m.text.startsWith("⚠️")));
    expect(notice.text).toContain("Instagram can carry only images (PNG, JPEG, GIF), video and audio");
    await harness.idle();
    expect(harness.graph.sends).toHaveLength(0);
  });

  it("tags a reply to a customer who wrote 2 days ago with HUMAN_AGENT", async () => {
    const parent = await conversationAged(2 * day);
    await harness.reply(parent.ts, "Sorry for the wait!");
    const [sent] = await waitFor(() => harness.graph.sends.length === 1 && harness.graph.sends);
    expect(sent?.body).toMatchObject({ messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" });
  });

  it("does not send a reply to a customer who wrote 8 days ago, and tells the agent why", async () => {
    const parent = await conversationAged(8 * day);
    await harness.reply(parent.ts, "Are you still there?");
    const notice = await waitFor(() =>
      harness.replies(parent.ts).find((m) => m.text.startsWith("⚠️ Not sent to the customer")),
    );
    expect(notice.text).toContain("more than 7 days old");
    await harness.idle();
    expect(harness.graph.sends).toHaveLength(0);
  });

  it("shows Graph's refusal in the thread in plain words, naming Instagram", async () => {
    const parent = await conversationAged(60_000);
    harness.graph.failNext(graphErrors.outsideWindow);
    await harness.reply(parent.ts, "hello?");
    const notice = await waitFor(() =>
      harness.replies(parent.ts).find((m) => m.text.startsWith("⚠️ Not delivered to the customer")),
    );
    expect(notice.text).toContain("Instagram no longer allows a reply");
  });
});

describe("connecting an Instagram account", () => {
  it("connects and disconnects an account id, and refuses what is not one", async () => {
    await connectAccount();
    expect(await harness.command("status")).toContain(`Instagram ${account}: 0 open`);
    expect(await harness.command(`disconnect ${account}`)).toContain(`Disconnected Instagram ${account}`);
    expect(await harness.command("connect instagram @threadline.shop")).toContain(
      "`@threadline.shop` is not a valid Instagram address",
    );
  });

  it("says Instagram is not configured on a server without Meta credentials", async () => {
    const disabled = await Harness.start({
      environment: { MESSENGER_PAGE_ACCESS_TOKEN: "", MESSENGER_APP_SECRET: "", MESSENGER_VERIFY_TOKEN: "" },
    });
    try {
      const response = await disabled.messengerWebhook(
        instagramNotification([{ accountId: account, events: [events.text(account, igsid, "x")] }]),
      );
      expect(response.status).toBe(503);
      expect(disabled.logs.find(/Instagram is not configured/)).toBeDefined();
      expect(await disabled.command(`connect instagram ${account}`)).toContain("Instagram is not configured");
    } finally {
      await disabled.stop();
    }
  });
});
