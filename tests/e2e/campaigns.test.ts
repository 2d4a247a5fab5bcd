import { afterEach, describe, expect, it } from "vitest";
import type { Ephemeral, StoredMessage } from "../../src/simulators/slack/types.js";
import * as helpers from "./campaign-helpers.js";
import { ny } from "./campaign-helpers.js";
import { customerNumber, Harness, type HarnessOptions, inboxNumber, waitFor } from "./harness.js";

/*
 * Tags (`tag:` in a thread, `/threadline tag`) and campaigns (`/threadline campaign`), through the real app:
 * preview with who is reached and who is left out, Send, the paced sends through the real twilio SDK, the one
 * progress message and its Stop button, quiet hours on an injected clock, and every refusal.
 */

const ukNumber = "+447700900123";

let harness: Harness;
/** How far the app's clock is ahead of the wall clock: tests set the time of day it sees. */
let ahead = 0;
const setClock = (iso: string) => {
  ahead = Date.parse(iso) - Date.now();
};

async function start(options: HarnessOptions = {}, clock = "2026-12-07T15:00:00Z"): Promise<void> {
  setClock(clock); // 10:00 in New York, 07:00 in Los Angeles
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
  helpers.addBruno(harness);
  await harness.connectInbox();
}

afterEach(async () => {
  await harness.stop();
});

const texted = (from: string, body = "Hi") => helpers.texted(harness, from, body);
const click = (shown: Ephemeral, action: "Send" | "Cancel") => helpers.click(harness, shown, action);
const preview = (text: string) => helpers.preview(harness, text);
const progress = () => helpers.progress(harness);

/** The ephemeral answer in the thread to the agent's last reply there. */
const threadAnswer = (threadTs: string, count: number) =>
  waitFor(() => {
    const shown = harness.slack.ephemerals.filter((e) => e.thread_ts === threadTs);
    return shown.length >= count && shown[count - 1];
  });

const parentText = (parent: StoredMessage) =>
  JSON.stringify(harness.parents().find((message) => message.ts === parent.ts)?.blocks ?? []);

const campaignMessages = () =>
  harness.twilio.sent.filter((message) => message.Body.startsWith("Spring sale"));

describe("tags", () => {
  it("tags a contact from the thread and from the channel: internal, shown on the parent", async () => {
    await start();
    const parent = await texted(customerNumber, "Hello");

    await harness.reply(parent.ts, "tag: VIP #wholesale");
    expect((await threadAnswer(parent.ts, 1)).text).toBe(
      "Not sent to the customer. Their tags: `vip`, `wholesale`.",
    );
    await waitFor(() => parentText(parent).includes("🏷️ vip, wholesale"));
    await harness.reply(parent.ts, "untag: vip");
    expect((await threadAnswer(parent.ts, 2)).text).toBe(
      "Not sent to the customer. Their tags: `wholesale`.",
    );
    await waitFor(() => parentText(parent).includes('🏷️ wholesale"'));

    await harness.reply(parent.ts, "tag: two words!");
    expect((await threadAnswer(parent.ts, 3)).text).toContain("Nothing was tagged: `words!` can't be a tag");

    expect(await harness.command(`tag ${customerNumber} vip`)).toBe(
      `${customerNumber}'s tags: \`vip\`, \`wholesale\`.`,
    );
    await waitFor(() => parentText(parent).includes("🏷️ vip, wholesale"));
    expect(await harness.command(`untag ${customerNumber} wholesale`)).toBe(
      `${customerNumber}'s tags: \`vip\`.`,
    );
    expect(await harness.command(`tag ${ny(9)} vip`)).toContain(`No conversation with ${ny(9)}`);
    expect(await harness.command("tag 12 vip")).toContain("`12` is not a phone number I can read");
    expect(await harness.command(`tag ${customerNumber}`)).toContain("Say whose tags and which");

    await harness.idle();
    expect(harness.twilio.sent).toEqual([]);
    expect(harness.logs.lines.filter((line) => line.msg === "contact tags changed")).toHaveLength(4);
  });
});

describe("campaign preview and send", () => {
  it("previews who it reaches and who is left out and why, then sends once to those who texted", async () => {
    await start();
    for (const number of [ny(1), ny(2), ukNumber, customerNumber]) await texted(number);
    await harness.sms("STOP", { from: ny(2) });
    await waitFor(() => harness.logs.lines.some((line) => String(line.msg).includes("opted out")));
    // Written to first from Slack, never answered.
    expect(await harness.command(`text ${ny(3)} Welcome!`)).toContain("Sending to");
    await waitFor(() => harness.twilio.sent.length === 1);
    for (const number of [ny(1), ny(2), ny(3), ukNumber, customerNumber]) {
      expect(await harness.command(`tag ${number} vip`)).toContain("tags: `vip`");
    }
    await texted(ny(4)); // texted, not tagged

    const { text, shown } = await preview("#vip Spring sale today");
    expect(text).toContain("📣 *Campaign preview* — to #vip from SMS");
    expect(text).toContain("> Spring sale today\n> \n> Reply STOP to opt out");
    // +1 555 numbers may be anywhere in the US: they wait for 09:00 in Los Angeles.
    expect(text).toContain(
      "It will reach *2 customers* (1 after their 09:00: it is quiet hours where they are).",
    );
    expect(text).toContain("1 opted out");
    expect(text).toContain("1 never texted this inbox");
    expect(text).toContain("1 country not allowed");
    expect(shown.blocks).toBeDefined();

    expect(await click(shown, "Send")).toBe(
      "Sending to 2 customers. Its progress shows in the channel, with a *Stop campaign* button.",
    );
    await waitFor(() => campaignMessages().length === 1);
    expect(campaignMessages()[0]).toMatchObject({
      From: inboxNumber,
      To: ny(1),
      Body: "Spring sale today\n\nReply STOP to opt out",
    });
    // No thread per recipient: the only new top-level post is the progress message.
    const parentsBefore = harness.parents().length;
    await waitFor(() => progress()?.text.includes("sent 1 of 2"));
    expect(progress()?.text).toContain("⏳ *Sending* — 1 to go");
    for (const reason of [
      "excluded 3 (",
      "1 opted out",
      "1 never texted this inbox",
      "1 country not allowed",
    ]) {
      expect(progress()?.text).toContain(reason);
    }
    expect(JSON.stringify(progress()?.blocks)).toContain("threadline.campaignStop");

    // Quiet hours: the +1 555 customer gets it at 09:00 in Los Angeles (17:00 UTC), not before.
    await harness.idle();
    expect(campaignMessages()).toHaveLength(1);
    setClock("2026-12-07T17:00:01Z");
    await waitFor(() => campaignMessages().length === 2);
    expect(campaignMessages()[1]?.To).toBe(customerNumber);
    await waitFor(() => progress()?.text.startsWith("📣") && progress()?.text.includes("✅ *Finished*"));
    expect(progress()?.text).toContain("sent 2 of 2");
    expect(JSON.stringify(progress()?.blocks)).not.toContain("threadline.campaignStop");
    expect(harness.parents().length).toBe(parentsBefore);

    // The preview acted once: clicking an old preview's Send again sends nothing.
    await harness.idle();
    expect(campaignMessages()).toHaveLength(2);
  });

  it("cancels from the preview, and a second Send of one preview sends once", async () => {
    await start();
    await texted(ny(1));
    await harness.command(`tag ${ny(1)} vip`);
    const first = await preview("#vip Spring sale");
    expect(await click(first.shown, "Cancel")).toBe("Cancelled: nothing was sent.");

    const second = await preview("all Spring sale");
    expect(second.text).toContain("to all customers");
    // A second click on the same preview (a double click, or a copy of it): the campaign is sent once.
    const copy = { ...second.shown };
    expect(await click(second.shown, "Send")).toContain("Sending to 1 customer.");
    await harness.slack.blockAction(
      harness.slack.buildEphemeralButtonClick({ ephemeral: copy, actionId: "threadline.campaignSend" }),
    );
    await waitFor(
      () =>
        second.shown.text ===
        "This campaign was already sent (its progress shows in the channel); it is sent once.",
    );
    await harness.idle();
    expect(campaignMessages()).toHaveLength(1);
  });

  it("erasing a customer takes their tags and a campaign waiting for their morning never reaches them", async () => {
    await start();
    for (const number of [ny(1), customerNumber]) {
      await texted(number);
      await harness.command(`tag ${number} vip`);
    }
    const { shown } = await preview("#vip Spring sale");
    await click(shown, "Send");
    await waitFor(() => campaignMessages().length === 1);

    await harness.command(`forget ${customerNumber}`);
    const offer = harness.slack.ephemerals.findLast((e) => e.via === "command_ack") as Ephemeral;
    await harness.slack.blockAction(
      harness.slack.buildEphemeralButtonClick({ ephemeral: offer, actionId: "threadline.forgetContact" }),
    );
    await waitFor(() => offer.text.startsWith("Erased"));
    // 09:00 in Los Angeles, when the +1 555 customer was due.
    setClock("2026-12-07T17:00:01Z");
    await waitFor(() => progress()?.text.includes("✅ *Finished*"));
    await harness.idle();
    expect(campaignMessages().map((message) => message.To)).toEqual([ny(1)]);
    expect(progress()?.text).toContain("sent 1 of 1");
    expect(await harness.command(`tag ${customerNumber} vip`)).toContain("No conversation with");
  });
});
