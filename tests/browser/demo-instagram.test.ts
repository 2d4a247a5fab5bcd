import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Demo, startDemo } from "../../src/demo/demo.js";
import { launchChromium } from "../support/chromium.js";
import { demoPage } from "./demo-page.js";

/** Sofia writes on Instagram: the demo's app receives Meta's signed webhook and answers through the Send API. */
describe("the demo's Instagram customer", () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    demo = await startDemo({ port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(demo.url);
    await page.locator("#live.on").waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it("starts a thread naming her @username, and gets the agent's reply in her Instagram", async () => {
    expect(await page.locator(".customer", { hasText: "Sofia" }).textContent()).toContain("Instagram");
    await demoPage.customerTexts(page, "Sofia", "Is the birthday cake gluten free?", "Receipt");
    const title = "Conversation with Sofia Rossi (@sofia.bakes)";
    const parent = demoPage.parent(page, title);
    await parent.waitFor();
    expect(await parent.textContent()).toContain("Instagram");
    await demoPage.openThread(page, title);
    await demoPage.reply(page, "Yes, all of our cakes are!");
    await page.locator("#phone-messages .theirs", { hasText: "Yes, all of our cakes are!" }).waitFor();
    // Her picture reached the thread as a file, fetched from Meta's (simulated) CDN.
    await page.locator("#thread-messages img, #thread-messages .file").first().waitFor();
  });
});
