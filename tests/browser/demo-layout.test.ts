import fs from "node:fs";
import path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Demo, startDemo } from "../../src/demo/demo.js";
import { launchChromium } from "../support/chromium.js";
import { demoPage } from "./demo-page.js";

/** Kept after the run (gitignored), so a person can look at what the test saw. */
const screenshotDir = path.resolve(import.meta.dirname, "../output/demo-layout");
const mayasThread = "Conversation with Maya";

/** Laptop and desktop windows the demo must be usable in. */
const windows = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
] as const;

type Box = { x: number; y: number; width: number; height: number };

async function box(locator: Locator): Promise<Box> {
  const found = await locator.boundingBox();
  if (!found) throw new Error(`${locator} is not shown`);
  return found;
}

/** `inner` is entirely within `outer` (a pixel of rounding allowed). */
function within(inner: Box, outer: Box): boolean {
  return (
    inner.x >= outer.x - 1 &&
    inner.y >= outer.y - 1 &&
    inner.x + inner.width <= outer.x + outer.width + 1 &&
    inner.y + inner.height <= outer.y + outer.height + 1
  );
}

/** Scrolls a control into its list's view, then checks a person could see all of it and click it. */
async function fullyShown(control: Locator, container: Locator, page: Page): Promise<void> {
  await control.scrollIntoViewIfNeeded();
  const viewport = page.viewportSize() as { width: number; height: number };
  const shown = await box(control);
  expect(within(shown, await box(container)), `${control} inside ${container}`).toBe(true);
  expect(within(shown, { x: 0, y: 0, ...viewport }), `${control} inside the window`).toBe(true);
}

describe("the demo page at laptop and desktop widths", () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fs.mkdirSync(screenshotDir, { recursive: true });
    demo = await startDemo({ port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: windows[0] });
    await page.goto(demo.url);
    await page.locator("#live.on").waitFor();
    await demoPage.customerTexts(
      page,
      "Maya",
      "Hi! My order #1042 arrived with a dented box",
      "Dented package",
    );
    await demoPage.parent(page, mayasThread).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  for (const size of windows) {
    it(`is usable at ${size.width}×${size.height}`, async () => {
      await page.setViewportSize(size);
      const channel = page.locator("#channel-messages");
      const parent = demoPage.parent(page, mayasThread);

      // Nothing scrolls sideways, and the channel header reads on a line or two.
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(
        size.width,
      );
      expect((await box(page.locator("#channel .channel-header"))).height).toBeLessThanOrEqual(72);
      expect(await channel.evaluate((list) => list.scrollWidth - list.clientWidth)).toBeLessThanOrEqual(0);
      expect((await box(channel)).width).toBeGreaterThanOrEqual(400);
      await fullyShown(parent.locator(".block-select"), channel, page);
      await fullyShown(parent.locator(".block-button", { hasText: "View all messages" }), channel, page);
      await page.screenshot({ path: path.join(screenshotDir, `${size.width}-channel.png`) });

      // With the thread open, the thread's controls are whole and the channel still does not scroll sideways.
      await demoPage.openThread(page, mayasThread);
      const thread = page.locator("#thread-messages");
      await thread.locator(".file-image img").waitFor();
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(
        size.width,
      );
      expect(await channel.evaluate((list) => list.scrollWidth - list.clientWidth)).toBeLessThanOrEqual(0);
      expect(await thread.evaluate((list) => list.scrollWidth - list.clientWidth)).toBeLessThanOrEqual(0);
      const threadPane = page.locator("#thread");
      expect(within(await box(threadPane), { x: 0, y: 0, ...size })).toBe(true);
      expect((await box(threadPane)).width).toBeGreaterThanOrEqual(360);
      await fullyShown(thread.locator(".block-select"), thread, page);
      await fullyShown(thread.locator(".block-button", { hasText: "View all messages" }), thread, page);
      await fullyShown(page.locator("#thread-text"), threadPane, page);
      await page.screenshot({ path: path.join(screenshotDir, `${size.width}-thread.png`) });
      await page.locator("#thread-close").click();
      await threadPane.waitFor({ state: "hidden" });
    });
  }
});
