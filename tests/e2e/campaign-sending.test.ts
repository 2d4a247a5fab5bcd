import { afterEach, describe, expect, it } from "vitest";
import {
  addBruno,
  bruno,
  click,
  commandAs,
  ny,
  preview,
  progress,
  stop,
  texted,
} from "./campaign-helpers.js";
import {
  agent,
  Harness,
  type HarnessOptions,
  inboxNumber,
  publicUrl,
  supportChannel,
  waitFor,
} from "./harness.js";

/*
 * A campaign on its way: its pace (from the fake Twilio's recorded times against CAMPAIGN_RATE_PER_SECOND), its
 * progress edits, Stop, a recipient's answer quoting it, WhatsApp templates, and the refusals.
 */

let harness: Harness;
let ahead = 0;

async function start(options: HarnessOptions = {}, clock = "2026-12-07T15:00:00Z"): Promise<void> {
  ahead = Date.parse(clock) - Date.now(); // 10:00 in New York
  harness = await Harness.start({
    ...options,
    overrides: {
      now: () => Date.now() + ahead,
      delivery: { backoff: { baseDelayMs: 50, maxDelayMs: 400 }, sweepMs: 100 },
      campaignProgressEveryMs: 200,
      ...options.overrides,
    },
    environment: { CAMPAIGN_RATE_PER_SECOND: "20", ...options.environment },
  });
  // The provider's message log is on the app's clock, as it is in life.
  harness.twilio.now = () => Date.now() + ahead;
  addBruno(harness);
  await harness.connectInbox();
}

afterEach(async () => {
  await harness.stop();
});

/** `count` New York customers who texted the inbox, tagged `vip`. */
async function vipCustomers(count: number): Promise<string[]> {
  const numbers = Array.from({ length: count }, (_, index) => `+1212555${String(1000 + index)}`);
  for (const number of numbers) {
    await texted(harness, number);
    expect(await harness.command(`tag ${number} vip`)).toContain("`vip`");
  }
  return numbers;
}

const campaignMessages = () =>
  harness.twilio.sent.filter((message) => message.Body.startsWith("Spring sale"));

describe("sending a campaign", () => {
  it("sends at CAMPAIGN_RATE_PER_SECOND, once each, with far fewer progress edits than messages", async () => {
    await start({
      environment: { CAMPAIGN_RATE_PER_SECOND: "2" },
      overrides: { campaignProgressEveryMs: 1_000 },
    });
    const numbers = await vipCustomers(5);
    // One reply first: the process's first outbound request is slow (the SDK loads, the connection opens).
    const [first] = harness.parents();
    await harness.reply(first?.ts as string, "Welcome back");
    await waitFor(() => harness.twilio.sent.length === 1);
    const { shown } = await preview(harness, "#vip Spring sale");
    await click(harness, shown, "Send");
    await waitFor(() => progress(harness)?.text.includes("✅ *Finished*"), { timeoutMs: 20_000 });

    const sent = campaignMessages();
    expect(sent.map((message) => message.To).sort()).toEqual(numbers);
    const intervalMs = 1000 / 2;
    const times = sent.map((message) => message.at.getTime());
    // Send i leaves at its slot, i intervals after the first's; an arrival may be late by the jitter of a shared
    // machine (tens of ms), never early by more than the first was late.
    const jitterMs = 150;
    for (const [index, at] of times.entries()) {
      expect(at - (times[0] as number)).toBeGreaterThanOrEqual(index * intervalMs - jitterMs);
    }
    const message = progress(harness);
    expect(message?.text).toContain("sent 5 of 5");
    // Posted once, edited as it went: never once per recipient.
    expect(message?.history.length).toBeLessThan(numbers.length);
    expect(harness.parents().filter((post) => post.text.startsWith("📣"))).toHaveLength(1);
  });

  it("Stop campaign stops it: nobody else gets it, and the message says who stopped it", async () => {
    await start({
      environment: { CAMPAIGN_RATE_PER_SECOND: "2" },
      overrides: { campaignProgressEveryMs: 1_000 },
    });
    await vipCustomers(5);
    const { shown } = await preview(harness, "#vip Spring sale");
    await click(harness, shown, "Send");
    await waitFor(() => JSON.stringify(progress(harness)?.blocks ?? []).includes("threadline.campaignStop"));
    expect(await stop(harness)).toBe("Stopped: nobody else gets it. The channel message shows who got it.");
    await waitFor(() => progress(harness)?.text.includes("⏹️ *Stopped* by"));
    await harness.idle();
    const sentBeforeStop = campaignMessages().length;
    expect(sentBeforeStop).toBeLessThan(5);
    expect(progress(harness)?.text).toContain(
      `⏹️ *Stopped* by <@${agent.id}>: ${5 - sentBeforeStop} not sent`,
    );
    expect(JSON.stringify(progress(harness)?.blocks)).not.toContain("threadline.campaignStop");
    await harness.idle();
    expect(campaignMessages()).toHaveLength(sentBeforeStop);
  });

  it("a recipient's answer lands in their thread, after a quote of the campaign they got", async () => {
    await start();
    const parent = await texted(harness, ny(1), "Do you have size 9?");
    await harness.command(`tag ${ny(1)} vip`);
    const { shown } = await preview(harness, "#vip Spring sale: 20% off");
    await click(harness, shown, "Send");
    await waitFor(() => campaignMessages().length === 1);
    await harness.idle();
    expect(harness.replies(parent.ts)).toHaveLength(1);

    await harness.sms("Is it on boots too?", { from: ny(1) });
    await waitFor(() => harness.replies(parent.ts).length === 3);
    const [, quote, answer] = harness.replies(parent.ts);
    expect(quote?.text).toBe(
      `📣 They got this campaign from <@${agent.id}>:\n> Spring sale: 20% off\n> \n> Reply STOP to opt out`,
    );
    expect(answer?.text).toBe("Is it on boots too?");
    // Quoted once: their next message comes alone.
    await harness.sms("Thanks", { from: ny(1) });
    await waitFor(() => harness.replies(parent.ts).length === 4);
    expect(harness.replies(parent.ts)[3]?.text).toBe("Thanks");
  });

  it("sends a WhatsApp campaign only as an approved template", async () => {
    await start();
    const sender = "+15550003333";
    expect(await harness.command(`connect whatsapp ${sender}`)).toContain("Connected WhatsApp");
    await harness.twilio.sendWhatsAppInbound({
      webhookUrl: `${harness.baseUrl}/webhooks/twilio`,
      publicUrl: `${publicUrl}/webhooks/twilio`,
      from: ny(1),
      to: sender,
      body: "Hello",
    });
    await waitFor(() => harness.parents().length === 1);
    const refused = await preview(harness, `all from ${sender} Spring sale`);
    expect(refused.text).toContain("a WhatsApp campaign must be one: `/threadline campaign #vip template:");
    const contentSid = harness.twilio.addContentTemplate("Hi {{1}}, our spring sale starts today.");
    const { text, shown } = await preview(harness, `all from ${sender} template: ${contentSid} friend`);
    expect(text).toContain("It will reach *1 customer*");
    expect(text).not.toContain("Reply STOP");
    await click(harness, shown, "Send");
    const [sent] = await waitFor(() => harness.twilio.sent.length === 1 && harness.twilio.sent);
    expect(sent).toMatchObject({
      From: `whatsapp:${sender}`,
      To: `whatsapp:${ny(1)}`,
      ContentSid: contentSid,
    });
    expect(sent?.ContentVariables).toEqual({ 1: "friend" });
  });
});

describe("campaign refusals", () => {
  it("refuses people who are not THREADLINE_SENDERS (admins may), and bad commands, sending nothing", async () => {
    await start({ environment: { THREADLINE_SENDERS: "U0SENDER", THREADLINE_ADMINS: agent.id } });
    await vipCustomers(1);
    expect(await commandAs(harness, bruno.id, "campaign #vip Spring sale")).toBe(
      "Only some people may send campaigns (THREADLINE_SENDERS): <@U0SENDER>. Ask one of them.",
    );
    expect(harness.logs.lines.some((line) => line.msg === "campaign refused: not a sender")).toBe(true);
    // A preview Bruno got hold of does not let him send either.
    const { shown } = await preview(harness, "#vip Spring sale");
    expect(await click(harness, shown, "Send", bruno.id)).toContain("Only some people may send campaigns");

    expect(await harness.command("campaign")).toContain("Say who gets it and what");
    expect(await harness.command("campaign vip Spring sale")).toContain("`vip` is not an audience");
    expect(await harness.command("campaign #vip")).toContain("Say what to send after the audience");
    expect(await harness.command("campaign #nobody Spring sale")).toContain("No customer is tagged #nobody");
    expect(await harness.command(`campaign #vip ${"x".repeat(1700)}`)).toContain(
      "too long for one SMS message",
    );
    expect(await harness.command("campaign #vip from +15559999999 Hi")).toContain(
      "+15559999999 is not an inbox of this channel",
    );
    await harness.connectInbox("+15550002222");
    expect(await harness.command("campaign #vip Hi")).toContain("This channel has several inboxes");
    await harness.idle();
    expect(harness.twilio.sent).toEqual([]);
  });

  it("refuses Messenger (Meta forbids campaigns) and a channel with nothing connected", async () => {
    await start();
    expect(await harness.command(`disconnect ${inboxNumber}`)).toContain("Disconnected");
    expect(await harness.command("campaign all Hi")).toContain("No SMS or WhatsApp inbox is connected");
    expect(await harness.command("connect messenger 1234567890")).toContain("Connected");
    expect(await harness.command("campaign all Hi")).toContain("Messenger doesn't allow campaigns");
    expect(harness.slack.channels.get(supportChannel)).toBeDefined();
  });
});
