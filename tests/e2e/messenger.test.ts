import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { events, notification } from "../../src/simulators/meta/payloads.js";
import { graphErrors } from "../../src/simulators/meta/wire.js";
import { agent, Harness, messenger, publicUrl, supportChannel, waitFor } from "./harness.js";

const { pageId, psid } = messenger;
const day = 24 * 3_600_000;

let harness: Harness;

beforeEach(async () => {
  harness = await Harness.start();
  harness.graph.profiles.set(psid, {
    first_name: "Peter",
    last_name: "Chang",
    profile_pic: "https://pics.example/peter.jpg",
  });
});

afterEach(async () => {
  await harness.stop();
});

const inbound = (...evts: Record<string, unknown>[]) =>
  harness.messengerWebhook(notification([{ pageId, events: evts }]));

async function connectPage() {
  const answer = await harness.command(`connect messenger ${pageId}`);
  expect(answer).toContain(`Connected Messenger ${pageId} to this channel`);
}

/** The thread's parent and its first `count` replies, once they are all there. */
async function thread(count: number) {
  const parent = await harness.waitForParent();
  const replies = await waitFor(
    () => harness.replies(parent.ts).length >= count && harness.replies(parent.ts),
  );
  return { parent, replies };
}

describe("webhook verification", () => {
  const verify = (query: string) => fetch(`${harness.baseUrl}/webhooks/messenger?${query}`);

  it("answers Meta's challenge as plain text when the verify token matches", async () => {
    const response = await verify(
      `hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${messenger.verifyToken}`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response.text()).toBe("1158201444");
  });

  it("refuses a wrong verify token with 403 and logs it", async () => {
    const response = await verify("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess");
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain("1158201444");
    expect(harness.logs.find("Messenger verification refused")).toBeDefined();
  });
});

describe("customer → Slack", () => {
  beforeEach(connectPage);

  it("starts a thread titled with the customer's profile name, showing Messenger and the picture", async () => {
    const response = await inbound(events.text(pageId, psid, "Hallo! Ist meine Bestellung fertig? 😀"));
    expect(response.status).toBe(200);
    const { parent, replies } = await thread(1);
    expect(parent.text).toContain("Conversation with Peter Chang");
    const blocks = JSON.stringify(parent.blocks);
    expect(blocks).toContain("*Messenger*");
    expect(blocks).toContain("https://pics.example/peter.jpg");
    expect(replies[0]).toMatchObject({
      text: "Hallo! Ist meine Bestellung fertig? 😀",
      username: "Peter Chang",
      icon_url: "https://pics.example/peter.jpg",
    });
    expect(harness.graph.profileRequests).toEqual([psid]);
  });

  it("keeps a profile name that carries Slack markup as text, in the parent's blocks and its fallback text", async () => {
    harness.graph.profiles.set(psid, {
      first_name: "<!channel>",
      last_name: "<@U0AGENT> & co",
      profile_pic: "https://pics.example/peter.jpg",
    });
    await inbound(events.text(pageId, psid, "Hi"));
    const { parent } = await thread(1);
    expect(parent.text).toBe(
      "Conversation with &lt;!channel&gt; &lt;@U0AGENT&gt; &amp; co (Messenger, open)",
    );
    // Every mrkdwn text of the blocks (plain_text, like the header, is never parsed for mentions).
    const mrkdwn: string[] = [];
    JSON.stringify(parent.blocks, (_key, value: { type?: unknown; text?: unknown }) => {
      if (value?.type === "mrkdwn" && typeof value.text === "string") mrkdwn.push(value.text);
      return value;
    });
    expect(mrkdwn.length).toBeGreaterThan(0);
    expect(mrkdwn.join("\n")).not.toMatch(/<[!@]/);
  });

  it.each([
    ["an unsigned POST", {}],
    ["a POST signed with another secret", { appSecret: "not-the-app-secret" }],
  ])("refuses %s with 403 and posts nothing", async (_label, options) => {
    const response = await harness.messengerWebhook(
      notification([{ pageId, events: [events.text(pageId, psid, "forged")] }]),
      options,
    );
    expect(response.status).toBe(403);
    await harness.idle();
    expect(harness.parents()).toHaveLength(0);
    expect(harness.logs.find("Messenger webhook signature rejected")).toBeDefined();
  });

  it("posts both messages of a batched POST, in order", async () => {
    const response = await harness.messengerWebhook(
      notification([
        { pageId, events: [events.text(pageId, psid, "first"), events.echo(pageId, psid, "our echo")] },
        { pageId, events: [events.text(pageId, psid, "second")] },
      ]),
    );
    expect(response.status).toBe(200);
    const { replies } = await thread(2);
    await harness.idle();
    expect(harness.replies(harness.parents()[0]?.ts as string).map((m) => m.text)).toEqual([
      "first",
      "second",
    ]);
    expect(replies).toHaveLength(2);
  });

  it("posts a redelivered message (same mid) once", async () => {
    const message = events.text(pageId, psid, "only once", { mid: "m_redelivered" });
    expect((await inbound(message)).status).toBe(200);
    expect((await inbound(message)).status).toBe(200);
    await thread(1);
    await harness.idle();
    expect(harness.replies(harness.parents()[0]?.ts as string)).toHaveLength(1);
  });

  it("uploads an image the customer sent into the thread", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const url = harness.graph.hostFile("photo.png", png, "image/png");
    await inbound(events.attachments(pageId, psid, [{ type: "image", url }]));
    const { parent } = await thread(1);
    const upload = await waitFor(() => harness.slack.uploads.find((u) => u.thread_ts === parent.ts));
    expect(Buffer.compare(upload.bytes, png)).toBe(0);
  });

  it("titles the thread with a fallback when the profile lookup fails, and fills the name in later", async () => {
    harness.graph.profileFailure = graphErrors.unexpected;
    await inbound(events.text(pageId, psid, "hi"));
    const { parent } = await thread(1);
    expect(parent.text).toContain("Conversation with Messenger user …3456");
    harness.graph.profileFailure = null;
    await waitFor(() => harness.parents()[0]?.text.includes("Conversation with Peter Chang"));
    expect(harness.parents()).toHaveLength(1);
  });
});

describe("Slack → customer", () => {
  beforeEach(connectPage);

  async function conversationAged(ageMs: number) {
    await inbound(events.text(pageId, psid, "hello", { timestamp: Date.now() - ageMs }));
    return (await thread(1)).parent;
  }

  it("sends a reply within 24 hours as a RESPONSE", async () => {
    const parent = await conversationAged(60_000);
    await harness.reply(parent.ts, "Hi <@U0AGENT> here, it's ready &amp; waiting");
    const [sent] = await waitFor(() => harness.graph.sends.length === 1 && harness.graph.sends);
    expect(sent).toMatchObject({
      page: pageId,
      body: {
        recipient: { id: psid },
        messaging_type: "RESPONSE",
        message: { text: "Hi @Ana here, it's ready & waiting" },
      },
    });
    expect(sent?.body.tag).toBeUndefined();
  });

  it("marks a reply ✅ when Messenger reports it delivered, by mid or by watermark", async () => {
    const parent = await conversationAged(60_000);
    const first = await harness.reply(parent.ts, "first reply");
    const [sent] = await waitFor(() => harness.graph.sends.length === 1 && harness.graph.sends);
    const reactionsOn = (ts: string) =>
      harness.slack.reactions.filter((r) => r.timestamp === ts).map((r) => r.name);
    // The message is marked sent once the Send API answered; the report may only move it forward from there.
    await harness.idle();
    expect(
      (await inbound(events.delivery(pageId, psid, Date.now(), [sent?.messageId as string]))).status,
    ).toBe(200);
    await waitFor(() => reactionsOn(first.ts).includes("white_check_mark"));

    const second = await harness.reply(parent.ts, "second reply");
    await waitFor(() => harness.graph.sends.length === 2);
    await harness.idle();
    await inbound(events.delivery(pageId, psid, Date.now()), events.read(pageId, psid, Date.now()));
    await waitFor(() => reactionsOn(second.ts).includes("white_check_mark"));
    expect(harness.logs.find("delivery report recorded")).toBeDefined();
  });

  it("logs and ignores events it does not handle", async () => {
    await conversationAged(60_000);
    expect((await inbound(events.postback(pageId, psid, "GET_STARTED"))).status).toBe(200);
    expect(harness.logs.find("Messenger event ignored")).toMatchObject({
      reason: "unhandled event type: postback",
    });
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

  it("shows Graph's refusal in the thread in plain words", async () => {
    const parent = await conversationAged(60_000);
    harness.graph.failNext(graphErrors.unavailable);
    await harness.reply(parent.ts, "hello?");
    const notice = await waitFor(() =>
      harness.replies(parent.ts).find((m) => m.text.startsWith("⚠️ Not delivered to the customer")),
    );
    expect(notice.text).toContain("this person isn't available right now");
  });

  it("sends an agent's web page as a file whose link downloads it and runs nothing", async () => {
    const parent = await conversationAged(60_000);
    const html = Buffer.from("<script>document.cookie</script>");
    const file = harness.slack.addFile({
      name: "page.html",
      mimetype: "text/html",
      bytes: html,
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
    expect(attachment.type).toBe("file");
    const link = String(attachment.payload.url).replace(publicUrl, harness.baseUrl);
    const served = await fetch(link);
    expect(served.status).toBe(200);
    expect(Object.fromEntries(served.headers)).toMatchObject({
      "content-type": "text/html",
      "content-disposition": "attachment; filename*=UTF-8''page.html",
      "content-security-policy": "default-src 'none'; sandbox",
      "x-content-type-options": "nosniff",
    });
    expect(Buffer.from(await served.arrayBuffer()).equals(html)).toBe(true);
  });

  it("retries a temporary Graph failure and sends once", async () => {
    const parent = await conversationAged(60_000);
    harness.graph.failNext(graphErrors.temporary, 2);
    await harness.reply(parent.ts, "third time lucky");
    await waitFor(() => harness.graph.sends.length === 1);
    await harness.idle();
    expect(harness.graph.sends).toHaveLength(1);
    expect(harness.replies(parent.ts).some((m) => m.text.startsWith("⚠️"))).toBe(false);
  });
});

describe("connecting a Page", () => {
  it("connects and disconnects a Page id like a number", async () => {
    await connectPage();
    expect(await harness.command("status")).toContain(`Messenger ${pageId}: 0 open`);
    expect(await harness.command(`disconnect ${pageId}`)).toContain(`Disconnected Messenger ${pageId}`);
    expect(await harness.command("connect messenger my-page")).toContain(
      "`my-page` is not a valid Messenger address",
    );
  });
});

describe("a server without Messenger credentials", () => {
  it("answers the webhook with 503 and logs why", async () => {
    const disabled = await Harness.start({
      environment: { MESSENGER_PAGE_ACCESS_TOKEN: "", MESSENGER_APP_SECRET: "", MESSENGER_VERIFY_TOKEN: "" },
    });
    try {
      const response = await disabled.messengerWebhook(
        notification([{ pageId, events: [events.text(pageId, psid, "x")] }]),
      );
      expect(response.status).toBe(503);
      expect(disabled.logs.find(/Messenger is not configured/)).toBeDefined();
      expect(await disabled.command(`connect messenger ${pageId}`)).toContain("Messenger is not configured");
    } finally {
      await disabled.stop();
    }
  });
});
