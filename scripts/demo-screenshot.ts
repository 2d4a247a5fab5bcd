// Takes docs/demo.png, the README's picture of `npm run demo`: a short conversation played on the page in
// Chromium (CHROMIUM_PATH, /usr/bin/chromium by default).   npx tsx scripts/demo-screenshot.ts
import { chromium } from "playwright-core";
import { startDemo } from "../src/demo/demo.js";
import { demoPage } from "../tests/browser/demo-page.js";

const maya = "Conversation with Maya";
const leo = "Conversation with Leo";

const demo = await startDemo({ port: 0 });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 2 });
  await page.goto(demo.url);
  await page.locator("#live.on").waitFor();

  await demoPage.customerTexts(page, "Leo", "Do you deliver on Sundays?");
  await demoPage.parent(page, leo).waitFor();
  await demoPage.openThread(page, leo);
  await demoPage.reply(page, "We do, 10am to 4pm. Anything else I can help with?");
  await page.locator(".phone-message.theirs").waitFor();
  await demoPage.parent(page, leo).locator(".block-button", { hasText: "Close" }).click();
  await demoPage.parent(page, leo).locator(".block-context", { hasText: "Closed" }).waitFor();

  await demoPage.customerTexts(
    page,
    "Maya",
    "Hi! My order #1042 arrived with a dented box",
    "Dented package",
  );
  await demoPage.parent(page, maya).waitFor();
  await demoPage.openThread(page, maya);
  await page.locator("#thread-messages .file-image img").waitFor();
  await demoPage.reply(page, "So sorry, Maya! A replacement ships today, you'll have it Friday.");
  await page.locator("#thread-messages .reaction").waitFor();
  await demoPage.reply(page, "note: second dented box this month, refund the shipping too");
  await demoPage.assign(page, maya, "Ana");
  await page.locator("#thread-messages .message", { hasText: "assigned this conversation" }).waitFor();
  await demoPage.customerTexts(page, "Maya", "Thank you, that's great!");
  await page.locator("#thread-messages .message", { hasText: "that's great" }).waitFor();
  await page.locator("#phone-text").blur();
  await page.screenshot({ path: "docs/demo.png" });
} finally {
  await browser.close();
  await demo.stop();
}
