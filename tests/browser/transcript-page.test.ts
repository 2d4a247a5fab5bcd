// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's locator.innerText() reads what a person sees; no DOM node here.
import fs from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { encodePng } from "../../src/demo/png.js";
import { agent, customerNumber, Harness, publicUrl, supportChannel, waitFor } from "../e2e/harness.js";
import { transcriptLinks } from "../e2e/transcript-links.js";
import { launchChromium } from "../support/chromium.js";

const secret = "a-transcript-secret-of-at-least-32-characters";

let harness: Harness;

const { transcriptLink, local, startConversation } = transcriptLinks(() => harness);

/** A 320 × 200 photo of a damaged box, as a customer's phone would send it. */
const photo = encodePng(320, 200, (x, y) =>
  x > 90 && x < 230 && y > 50 && y < 150 ? [181, 101, 29] : [242, 193, 78],
);

describe("the transcript page in a browser", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    harness = await Harness.start({ environment: { TRANSCRIPT_SECRET: secret } });
  });

  afterEach(async () => {
    await harness.stop();
  });

  it("shows the whole conversation readably on a phone, customer text as text", async () => {
    const threadTs = await startConversation("Hi, my order #1234 arrived damaged 😞");
    await harness.twilio.sendInbound({
      webhookUrl: `${harness.baseUrl}/webhooks/twilio`,
      publicUrl: `${publicUrl}/webhooks/twilio`,
      from: customerNumber,
      to: "+15550001111",
      body: "Here is a photo. <script>window.pwned = true</script> <b>not bold</b>",
      // On Twilio's API, which asks for the account's credentials: the browser must get it through Threadline.
      media: [{ url: harness.twilio.addMedia(photo, "image/png"), contentType: "image/png" }],
    });
    await waitFor(() => harness.replies(threadTs).some((m) => m.text.startsWith("Here is a photo.")));
    await harness.reply(threadTs, "So sorry! A replacement ships today & arrives Friday.");
    await waitFor(() => harness.twilio.sent.length === 1);
    harness.twilio.failNext({ status: 400, code: 21610 });
    await harness.reply(threadTs, "Here's your tracking link: https://track.example/1234");
    await waitFor(() => harness.logs.find("reply not delivered"));
    const close = harness.slack.buildButtonClick({
      channel: supportChannel,
      messageTs: threadTs,
      user: agent.id,
      actionId: "threadline.close",
    });
    await harness.slack.blockAction(close);
    await waitFor(() => harness.logs.find("conversation closed"));

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const response = await page.goto(local(await transcriptLink()));
    expect(response?.status()).toBe(200);

    expect(await page.locator("h1").innerText()).toBe("Conversation with +1 555 765 4321");
    const details = await page.locator("dl").innerText();
    for (const expected of ["SMS", "+1 555 000 1111", "Closed by Ana", "Unassigned"]) {
      expect(details).toContain(expected);
    }

    const messages = page.locator("li.msg");
    expect(await messages.count()).toBe(4);
    const texts = await messages.allInnerTexts();
    expect(texts[0]).toContain("Hi, my order #1234 arrived damaged 😞");
    expect(texts[1]).toContain("Here is a photo. <script>window.pwned = true</script> <b>not bold</b>");
    expect(texts[2]).toMatch(/^Ana · .* UTC · sent to the carrier/);
    expect(texts[2]).toContain("A replacement ships today & arrives Friday.");
    expect(texts[3]).toContain("failed: the customer has opted out (texted STOP) (Twilio error 21610)");
    expect(await page.locator("li.msg.in").count()).toBe(2);
    expect(await page.locator("li.msg.out").count()).toBe(2);

    // The customer's markup stayed text: no element was made of it and nothing ran.
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.locator("li.msg b").count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { pwned?: boolean }).pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);

    const image = page.locator("li.msg img");
    await image.waitFor();
    expect(await image.getAttribute("src")).toMatch(/^\/conversations\/\d+\/attachments\/\d+\/0\?sig=/);
    expect(
      await image.evaluate(
        (img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth,
      ),
    ).toBe(320);

    // Fits the phone's width: nothing to scroll sideways.
    const fits = await page.evaluate(() => {
      const { document, innerWidth } = globalThis as unknown as {
        document: { documentElement: { scrollWidth: number } };
        innerWidth: number;
      };
      return document.documentElement.scrollWidth <= innerWidth;
    });
    expect(fits).toBe(true);

    const png = await page.screenshot({ fullPage: true });
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    if (process.env.UPDATE_SCREENSHOTS === "1") {
      const docs = path.resolve(import.meta.dirname, "../../docs");
      fs.mkdirSync(docs, { recursive: true });
      fs.writeFileSync(path.join(docs, "transcript.png"), png);
    }
    await context.close();
  });

  it("shows a person a plain refusal for a bad link", async () => {
    await startConversation();
    const page = await browser.newPage();
    const response = await page.goto(local(await transcriptLink()).replace(/sig=\d+/, "sig=1"));
    expect(response?.status()).toBe(403);
    expect(await page.locator("h1").innerText()).toBe("Link not valid");
    expect(await page.locator("body").innerText()).not.toContain("Hello");
    await page.close();
  });
});
