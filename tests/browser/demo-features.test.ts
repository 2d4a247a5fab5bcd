import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Demo, startDemo } from "../../src/demo/demo.js";
import { launchChromium } from "../support/chromium.js";
import { demoPage } from "./demo-page.js";

const mayasThread = "Conversation with Maya";
const leosThread = "Conversation with Leo";

/** What the demo's help advertises, done on the page as a person would. */
describe("the demo page's Slack features", () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    demo = await startDemo({ port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // A step that cannot happen fails with its own message, well within the test's time.
    page.setDefaultTimeout(10_000);
    await page.goto(demo.url);
    await page.locator("#live.on").waitFor();
    await demoPage.signIn(page, "Ana Alves");
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it("takes a conversation with 👀 and closes it with ✅, and the assign menu shows who has it", async () => {
    await demoPage.customerTexts(page, "Maya", "Where is my order?");
    const parent = demoPage.parent(page, mayasThread);
    await parent.waitFor();
    await parent.hover();
    await parent.locator('.message-tools [data-react="eyes"]').click();
    await parent.locator(".block-context", { hasText: "Assigned to @Ana" }).waitFor();
    await parent.locator(".reaction.mine[data-react='eyes']").waitFor();
    expect(await parent.locator(".block-select").textContent()).toBe("Ana");

    await parent.hover();
    await parent.locator('.message-tools [data-react="white_check_mark"]').click();
    await parent.locator(".block-context", { hasText: "Closed" }).waitFor();
  });

  it("sets a reminder from the ⋯ menu and lists it on the Home tab, whose links open the thread", async () => {
    await demoPage.customerTexts(page, "Leo", "Do you deliver on Sundays?");
    const parent = demoPage.parent(page, leosThread);
    await parent.locator(".block-overflow").waitFor();
    await parent.locator(".block-overflow").click();
    await page.locator(".menu-item", { hasText: "Remind me in 1 hour" }).click();
    await page
      .locator("#channel-messages .message.ephemeral", { hasText: "I'll remind you in this thread" })
      .waitFor();

    await page.locator("#open-home").click();
    const home = page.locator("#home-body");
    await home.locator(".block-header", { hasText: "Your reminders" }).waitFor();
    const reminder = home.locator(".block-section", { has: page.locator('svg[aria-label="alarm_clock"]') });
    await reminder.locator("a", { hasText: "Leo" }).waitFor();
    expect(await page.locator("#channel").isHidden()).toBe(true);

    await reminder.locator("a", { hasText: "Leo" }).click();
    await page.locator("#thread-messages .message", { hasText: "Do you deliver on Sundays?" }).waitFor();
    expect(await page.locator("#channel").isVisible()).toBe(true);
  });

  it("counts a customer's unread texts on their tab until their phone is looked at", async () => {
    const leo = page.locator(".customer", { hasText: "Leo" });
    await page.locator(".customer", { hasText: "Priya" }).click();
    await demoPage.openThread(page, leosThread);
    await demoPage.reply(page, "Yes, 10am to 4pm.");
    await leo.locator(".count", { hasText: "1" }).waitFor();
    await demoPage.reply(page, "Anything else?");
    await leo.locator(".count", { hasText: "2" }).waitFor();
    // What Priya sent herself is not unread.
    expect(await page.locator(".customer", { hasText: "Priya" }).locator(".count").count()).toBe(0);

    await leo.click();
    await page.locator(".phone-message.theirs", { hasText: "Anything else?" }).waitFor();
    expect(await leo.locator(".count").count()).toBe(0);
  });

  it("shows a quoted away reply as a quote", async () => {
    await demoPage.command(page, "/threadline away We're closed; back at 9am.");
    const answer = page.locator("#channel-messages .message.ephemeral", { hasText: "Away reply" }).last();
    await answer.locator("blockquote", { hasText: "We're closed; back at 9am." }).waitFor();
    expect(await answer.textContent()).not.toContain(">We're closed");
  });
});

describe("the demo page when the demo stops", () => {
  it("says so in a banner", async () => {
    const demo = await startDemo({ port: 0 });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(demo.url);
      await page.locator("#live.on").waitFor();
      expect(await page.locator("#stopped").isHidden()).toBe(true);
      await demo.stop();
      await page.locator("#stopped", { hasText: "The demo has stopped." }).waitFor();
      expect(await page.locator("#stopped").textContent()).toContain("npm run demo");
    } finally {
      await browser.close();
    }
  });
});
