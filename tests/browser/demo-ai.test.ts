import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type Demo, startDemo } from "../../src/demo/demo.js";
import { launchChromium } from "../support/chromium.js";
import { demoPage } from "./demo-page.js";

const thread = "Conversation with Maya";

/** The demo's AI drafts come from the simulated model, say so, and reach the customer only through Send. */
describe("the demo page's AI drafts", () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    demo = await startDemo({ port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(10_000);
    await page.goto(demo.url);
    await page.locator("#live.on").waitFor();
    await demoPage.signIn(page, "Ana Alves");
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it("drafts a reply marked as from a simulated model, and Send texts it to the customer", async () => {
    await demoPage.customerTexts(page, "Maya", "Can I change my delivery address?");
    const parent = demoPage.parent(page, thread);
    await parent.locator(".block-button", { hasText: "✨ Draft reply" }).click();
    await demoPage.openThread(page, thread);
    const draft = page.locator("#thread-messages .message.ephemeral", { hasText: "[simulated model]" });
    await draft.locator(".block-context", { hasText: "simulated-model" }).waitFor();
    await draft.locator(".block-button", { hasText: "Send" }).click();
    await page
      .locator("#thread-messages .message:not(.ephemeral)", { hasText: "[simulated model] Thanks" })
      .waitFor();
    await page.locator(".phone-message.theirs .bubble", { hasText: "[simulated model] Thanks" }).waitFor();
  });
});
