import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Demo, startDemo } from "../../src/demo/demo.js";
import { launchChromium } from "../support/chromium.js";
import { demoPage } from "./demo-page.js";

describe("the demo's shop website", () => {
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemo({ port: 0 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it("chats from the shop's page into the demo's Slack, and the teammate's reply comes back to the panel", async () => {
    const slackPage = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await slackPage.goto(demo.url);
    await slackPage.locator("#live.on").waitFor();
    const [shop] = await Promise.all([
      slackPage.waitForEvent("popup"),
      slackPage.getByRole("link", { name: /Chat from the shop's website/ }).click(),
    ]);
    await shop.getByRole("button", { name: "Chat with us" }).click();
    await shop.getByLabel("Message").fill("Do the trail runners come in size 44?");
    await shop.getByRole("button", { name: "Send" }).click();

    const parent = demoPage.parent(slackPage, "Conversation with Visitor");
    await parent.waitFor();
    expect(await parent.textContent()).toContain("Web chat");
    await demoPage.openThread(slackPage, "Conversation with Visitor");
    await demoPage.reply(slackPage, "They do! Want me to hold a pair?");
    await shop
      .getByRole("log", { name: "Conversation" })
      .getByText("They do! Want me to hold a pair?")
      .waitFor();
  });
});
