import fs from "node:fs";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { agent, customerNumber, Harness, publicUrl, supportChannel, waitFor } from "../e2e/harness.js";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let harness: Harness;
let browser: Browser;

/** The conversation docs/transcript.png shows: an ordinary support exchange, start to close. */
const exchange = [
  { from: "customer", text: "Hi! My order #1042 arrived this morning but the mug is cracked 😞" },
  {
    from: "agent",
    text: "Oh no, sorry about that! A replacement ships today and should be with you on Friday.",
  },
  { from: "customer", text: "That's great, thank you!" },
  { from: "agent", text: "You're welcome, enjoy your coffee ☕" },
] as const;

beforeAll(async () => {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is needed at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  harness = await Harness.start();
});

afterEach(async () => {
  await harness.stop();
});

/** Plays the exchange: each customer text and agent reply lands in the thread before the next. */
async function playExchange(): Promise<string> {
  await harness.connectInbox();
  let threadTs = "";
  let inThread = 0;
  for (const message of exchange) {
    if (message.from === "customer") {
      await harness.sms(message.text);
      threadTs ||= (await harness.waitForParent()).ts;
      inThread += 1;
      await waitFor(() => harness.replies(threadTs).length === inThread);
    } else {
      const sent = harness.twilio.sent.length;
      await harness.reply(threadTs, message.text);
      inThread += 1;
      await waitFor(() => harness.twilio.sent.length === sent + 1);
    }
  }
  const close = harness.slack.buildButtonClick({
    channel: supportChannel,
    messageTs: threadTs,
    user: agent.id,
    actionId: "threadline.close",
  });
  await harness.slack.blockAction(close);
  await waitFor(() => harness.logs.find("conversation closed"));
  return threadTs;
}

/** The parent's "View all messages" link, as the agent who clicks it gets it, reached on localhost. */
async function transcriptLink(threadTs: string): Promise<string> {
  const parent = harness.parents().find((message) => message.ts === threadTs);
  const actions = (parent?.blocks ?? []).find((block) => block.type === "actions") as
    | { elements: { action_id: string; text?: { text: string } }[] }
    | undefined;
  const button = actions?.elements.find((element) => element.text?.text === "View all messages");
  const before = harness.slack.ephemerals.length;
  await harness.slack.blockAction(
    harness.slack.buildButtonClick({
      channel: supportChannel,
      messageTs: threadTs,
      user: agent.id,
      actionId: button?.action_id ?? "",
    }),
  );
  const answer = await waitFor(() => harness.slack.ephemerals[before]);
  const url = /<(https?:[^|>]+)\|/.exec(answer.text)?.[1];
  if (!url) throw new Error(`no link in: ${answer.text}`);
  return url.replace(publicUrl, harness.baseUrl);
}

describe("the transcript page in the docs", () => {
  it("shows an ordinary conversation, in order, on a phone (UPDATE_SCREENSHOTS=1 writes docs/transcript.png)", async () => {
    const threadTs = await playExchange();
    const context = await browser.newContext({ viewport: { width: 390, height: 600 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const response = await page.goto(await transcriptLink(threadTs));
    expect(response?.status()).toBe(200);

    expect(await page.locator("h1").textContent()).toBe("Conversation with +1 555 765 4321");
    expect(customerNumber).toBe("+15557654321");
    expect(await page.locator("dl").textContent()).toMatch(/Closed\s*by Ana/);
    const texts = await page.locator("li.msg").allInnerTexts();
    expect(texts).toHaveLength(exchange.length);
    exchange.forEach((message, index) => {
      expect(texts[index]).toContain(message.text);
      expect(texts[index]).toMatch(message.from === "customer" ? /· received/ : /^Ana · .* · sent/);
    });

    const png = await page.screenshot({ fullPage: true });
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    if (process.env.UPDATE_SCREENSHOTS === "1") {
      fs.writeFileSync(path.resolve(import.meta.dirname, "../../docs/transcript.png"), png);
    }
    await context.close();
  });
});
