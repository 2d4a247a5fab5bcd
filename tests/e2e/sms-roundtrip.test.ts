import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  agent,
  customerNumber,
  Harness,
  inboxNumber,
  publicUrl,
  supportChannel,
  waitFor,
} from "./harness.js";

let harness: Harness;

beforeEach(async () => {
  harness = await Harness.start();
});

afterEach(async () => {
  await harness.stop();
});

describe("connecting a channel", () => {
  it("connects a number to the channel the command was typed in", async () => {
    const answer = await harness.command(`connect sms ${inboxNumber}`);
    expect(answer).toContain("Connected SMS +1 555 000 1111 to this channel");
    expect(await harness.command("status")).toContain("SMS +1 555 000 1111: 0 open (0 unassigned), 0 closed");
  });

  it("moves the number's conversations to the channel it is moved to, once the move is confirmed", async () => {
    await harness.connectInbox();
    await harness.sms("in the first channel");
    const first = await harness.waitForParent();
    harness.slack.addChannel({
      id: "C0SECOND",
      name: "second",
      members: [harness.slack.botUserId, agent.id],
    });
    expect(await harness.moveInbox("C0SECOND")).toContain(
      `Moved SMS +1 555 000 1111 here from <#${supportChannel}>`,
    );
    await harness.sms("after the move");
    const moved = await harness.waitForParent("C0SECOND");
    await waitFor(() => harness.replies(moved.ts, "C0SECOND").some((m) => m.text === "after the move"));
    await harness.sms("a new customer", { from: "+15559990000" });
    await waitFor(() => harness.parents("C0SECOND").length === 2);
    expect(harness.replies(first.ts).map((m) => m.text)).toEqual(["in the first channel"]);
    await harness.reply(moved.ts, "answered from the new channel", "C0SECOND");
    await waitFor(() => harness.twilio.sent.some((m) => m.Body === "answered from the new channel"));
  });

  it("explains how to invite the app when it is not a member", async () => {
    harness.slack.addChannel({ id: "C0OTHER", name: "other", members: [agent.id] });
    const answer = await harness.command(`connect sms ${inboxNumber}`, "C0OTHER");
    expect(answer).toContain("/invite @Threadline");
    expect(await harness.command("status", "C0OTHER")).toContain("Nothing is connected");
  });

  it("answers a malformed number or unknown subcommand with the reason and usage", async () => {
    const malformed = await harness.command("connect sms 555-0001");
    expect(malformed).toContain("`555-0001` is not a valid SMS address");
    expect(malformed).toContain("/threadline connect sms");
    expect(await harness.command("frobnicate")).toContain("I don't know the command `frobnicate`");
    expect(await harness.command("help")).toContain("/threadline status");
  });

  it("answers a mistake with its reason and one example, not the whole help", async () => {
    const answers = await Promise.all(
      [
        "connect sms 555-0001",
        "stauts",
        "frobnicate",
        "disconnect",
        "status now",
        "hours Mon-Fri 9-5",
        "sla soon",
        "connect fax 1",
      ].map((text) => harness.command(text)),
    );
    for (const answer of answers) {
      expect(answer).not.toContain("*Inboxes*");
      expect(answer.split("\n")).toHaveLength(1);
      // One example, one command to copy.
      expect(answer.match(/`\/threadline [^`]+`/g), answer).toHaveLength(1);
    }
    const [malformed, typo, unknown, disconnect] = answers;
    expect(malformed).toBe(
      "`555-0001` is not a valid SMS address. For example: `/threadline connect sms +15550001111` (E.164: + and country code).",
    );
    expect(typo).toBe("I don't know the command `stauts`. Did you mean `/threadline status`?");
    expect(unknown).toBe("I don't know the command `frobnicate`; `/threadline help` lists the commands.");
    expect(disconnect).toBe(
      "Give the number or Page id to disconnect. For example: `/threadline disconnect +15550001111`.",
    );
  });

  it("groups the help: inboxes, conversations, team settings", async () => {
    const help = await harness.command("help");
    const headings = help.split("\n").filter((line) => /^\*[A-Z][a-z ]+\*$/.test(line));
    expect(headings).toEqual(["*Inboxes*", "*Conversations*", "*Team settings*"]);
    const section = (name: string) => help.split(`*${name}*`)[1]?.split("\n\n")[0] ?? "";
    expect(section("Inboxes")).toContain("/threadline connect sms");
    expect(section("Inboxes")).toContain("/threadline status");
    expect(section("Conversations")).toContain("/threadline find");
    expect(section("Conversations")).toContain("/threadline text");
    expect(section("Team settings")).toContain("/threadline hours");
    expect(section("Team settings")).toContain("/threadline sla");
  });
});

describe("customer → Slack", () => {
  beforeEach(() => harness.connectInbox());

  it("posts a parent and the message in its thread, under the customer's number", async () => {
    const answer = await harness.sms("Hello, is my order ready?");
    expect(answer.status).toBe(200);
    expect(answer.body).toContain("<Response/>");

    const parent = await harness.waitForParent();
    expect(parent.text).toContain("Conversation with +1 555 765 4321");
    expect(JSON.stringify(parent.blocks)).toContain("Replies in this thread are sent to the customer by SMS");
    const [message] = await waitFor(
      () => harness.replies(parent.ts).length === 1 && harness.replies(parent.ts),
    );
    expect(message).toMatchObject({ text: "Hello, is my order ready?", username: "+1 555 765 4321" });
  });

  it("puts later messages from the same number in the same thread", async () => {
    await harness.sms("first");
    const parent = await harness.waitForParent();
    await waitFor(() => harness.replies(parent.ts).length === 1);
    await harness.sms("second");
    await waitFor(() => harness.replies(parent.ts).length === 2);
    expect(harness.parents()).toHaveLength(1);
    expect(harness.replies(parent.ts).map((m) => m.text)).toEqual(["first", "second"]);
  });

  it("shows mentions and links in customer text as text", async () => {
    await harness.sms("<!channel> <@U0AGENT> <http://evil.example|your bank>");
    const parent = await harness.waitForParent();
    const [message] = await waitFor(
      () => harness.replies(parent.ts).length === 1 && harness.replies(parent.ts),
    );
    expect(message?.text).toBe("&lt;!channel&gt; &lt;@U0AGENT&gt; &lt;http://evil.example|your bank&gt;");
  });
});

describe("Slack → customer", () => {
  let threadTs: string;

  beforeEach(async () => {
    await harness.connectInbox();
    await harness.sms("Hi there");
    threadTs = (await harness.waitForParent()).ts;
  });

  it("sends a thread reply to the customer by SMS, from the inbox number, as plain text", async () => {
    await harness.reply(
      threadTs,
      "Hi! <@U0AGENT> here, see <https://shop.example/o/1|your order> &amp; more",
    );
    const [sent] = await waitFor(() => harness.twilio.sent.length === 1 && harness.twilio.sent);
    expect(sent).toMatchObject({
      From: inboxNumber,
      To: customerNumber,
      Body: "Hi! @Ana here, see your order (https://shop.example/o/1) & more",
      StatusCallback: `${publicUrl}/webhooks/twilio/status`,
    });
  });

  it("never sends bot posts, edits, deletions, channel chatter or notes", async () => {
    const { ts } = await harness.reply(threadTs, "note: VIP customer, be nice");
    await harness.slack.editMessage({ channel: supportChannel, ts, text: "edited into a real reply" });
    await harness.slack.deleteMessage({ channel: supportChannel, ts });
    await harness.slack.userMessage({ channel: supportChannel, user: agent.id, text: "lunch anyone?" });
    // Notes however they are formatted; Slack sends a typed `>` quote as `&gt;`.
    for (const note of ["*note:* refund approved", "_Note:_ VIP", "NOTE : call back", "&gt; note: quoted"]) {
      await harness.reply(threadTs, note);
    }
    await harness.slack.sendEvent({
      type: "message",
      channel: supportChannel,
      channel_type: "channel",
      user: "U0OTHERBOT",
      bot_id: "B0OTHER",
      text: "another app's post in the thread",
      ts: "1900000000.000100",
      thread_ts: threadTs,
      event_ts: "1900000000.000100",
    });
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(0);
    // The app's own posts come back as events too (the fake echoes them, like Slack); none were sent.
    expect(harness.replies(threadTs).length).toBeGreaterThan(0);
  });

  it("still delivers replies in an old thread after a restart on the same database", async () => {
    await harness.restart();
    await harness.reply(threadTs, "Back after a restart");
    const [sent] = await waitFor(() => harness.twilio.sent.length === 1 && harness.twilio.sent);
    expect(sent).toMatchObject({ To: customerNumber, Body: "Back after a restart" });
  });
});

describe("webhook input that must be refused", () => {
  beforeEach(() => harness.connectInbox());

  it("refuses a forged signature with 403, stores nothing and logs it", async () => {
    const answer = await harness.twilio.sendInbound({
      webhookUrl: `${harness.baseUrl}/webhooks/twilio`,
      publicUrl: `${publicUrl}/webhooks/twilio`,
      from: customerNumber,
      to: inboxNumber,
      body: "forged",
      signature: "bm90IGEgc2lnbmF0dXJl",
    });
    expect(answer.status).toBe(403);
    expect(harness.logs.find("Twilio webhook: signature rejected")).toBeDefined();
    await harness.idle();
    expect(harness.parents()).toHaveLength(0);
  });

  it("refuses an unsigned request, and one signed for another URL", async () => {
    const unsigned = await harness.twilio.sendInbound({
      webhookUrl: `${harness.baseUrl}/webhooks/twilio`,
      publicUrl: `${publicUrl}/webhooks/twilio`,
      from: customerNumber,
      to: inboxNumber,
      body: "unsigned",
      signature: null,
    });
    const wrongUrl = await harness.twilio.sendInbound({
      webhookUrl: `${harness.baseUrl}/webhooks/twilio`,
      publicUrl: "https://attacker.example/webhooks/twilio",
      from: customerNumber,
      to: inboxNumber,
      body: "replayed elsewhere",
    });
    expect([unsigned.status, wrongUrl.status]).toEqual([403, 403]);
    await harness.idle();
    expect(harness.parents()).toHaveLength(0);
  });

  it("answers 413 to a body over 1 MB and keeps serving", async () => {
    const huge = await fetch(`${harness.baseUrl}/webhooks/twilio`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "x" },
      body: `Body=${"a".repeat(2 * 1024 * 1024)}`,
    });
    expect(huge.status).toBe(413);
    expect(harness.logs.find("request refused")).toMatchObject({ status: 413 });
    expect((await harness.sms("still here")).status).toBe(200);
  });

  it("answers 400 to a signed but malformed request", async () => {
    const answer = await harness.twilio.sendInbound({
      webhookUrl: `${harness.baseUrl}/webhooks/twilio`,
      publicUrl: `${publicUrl}/webhooks/twilio`,
      from: customerNumber,
      to: inboxNumber,
      body: "no sid",
      messageSid: "not-a-sid",
    });
    expect(answer.status).toBe(400);
    expect(harness.logs.find("malformed Twilio webhook")).toBeDefined();
  });

  it("answers 400 to a body that is not JSON where JSON is declared, and 404 to unknown routes", async () => {
    const notJson = await fetch(`${harness.baseUrl}/webhooks/twilio`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(notJson.status).toBe(400);
    expect((await fetch(`${harness.baseUrl}/nope`)).status).toBe(404);
  });
});

describe("health", () => {
  it("reports ok while the database and the Slack connection are up", async () => {
    const answer = await fetch(`${harness.baseUrl}/healthz`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: "ok" });
  });
});
