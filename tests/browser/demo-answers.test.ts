import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Demo, startDemo } from "../../src/demo/demo.js";
import { waitFor } from "../../src/simulators/wait.js";
import { launchChromium } from "../support/chromium.js";
import { demoPage } from "./demo-page.js";

const mayasThread = "Conversation with Maya";
const leosThread = "Conversation with Leo";

/** Whether a person sees `item` in the scrolled list `list` without scrolling it. */
async function inView(item: Locator, list: Locator): Promise<boolean> {
  const [shown, frame] = await Promise.all([item.boundingBox(), list.boundingBox()]);
  if (!shown || !frame) return false;
  return shown.y >= frame.y - 1 && shown.y + shown.height <= frame.y + frame.height + 1;
}

/** Whether the scrolled list is at its end. */
const atEnd = (list: Locator) =>
  list.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight < 2);

describe("the demo page answers where the person acted", () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    demo = await startDemo({ port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(demo.url);
    await page.locator("#live.on").waitFor();
    // Enough conversations that the channel scrolls.
    await demoPage.customerTexts(page, "Leo", "Do you deliver on Sundays?", "Dented package");
    await demoPage.parent(page, leosThread).waitFor();
    await demoPage.customerTexts(page, "Priya", "Can I change my address?");
    await demoPage.customerTexts(page, "Maya", "My order #1042 arrived with a dented box", "Dented package");
    await demoPage.parent(page, mayasThread).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it("shows a command's answer at the channel's end, in view", async () => {
    const channel = page.locator("#channel-messages");
    await waitFor(() => channel.evaluate((element) => element.scrollHeight > element.clientHeight + 100), {
      message: "a channel long enough to scroll",
    });
    await waitFor(() => atEnd(channel), { message: "the channel at its end" });

    await demoPage.command(page, "/threadline status");
    const answer = channel.locator(".message.ephemeral", { hasText: "+1 555 000 1111" }).last();
    await answer.waitFor();
    await waitFor(() => inView(answer, channel), { message: "the status answer in view" });
  });

  it("answers View all messages clicked in the thread pane in that pane, and the thread stays at its end", async () => {
    await demoPage.openThread(page, mayasThread);
    const thread = page.locator("#thread-messages");
    await thread.locator(".file-image img").waitFor();
    await waitFor(() =>
      thread
        .locator(".file-image img")
        .evaluate((image) => (image as unknown as { complete: boolean }).complete),
    );
    await waitFor(() => atEnd(thread), { message: "the thread at its end once its picture loaded" });
    const channelAnswers = await page.locator("#channel-messages .message.ephemeral").count();

    await thread.locator(".block-button", { hasText: "View all messages" }).click();
    const answer = thread.locator(".message.ephemeral", {
      hasText: "View all messages of this conversation",
    });
    await answer.waitFor();
    await waitFor(() => inView(answer, thread), { message: "the link in view in the thread pane" });
    expect(await page.locator("#channel-messages .message.ephemeral").count()).toBe(channelAnswers);

    // A command typed in the thread's box is answered there too.
    await page.locator("#thread-text").fill("/threadline status");
    await page.locator("#thread-text").press("Enter");
    const status = thread.locator(".message.ephemeral", { hasText: "+1 555 000 1111" });
    await status.waitFor();
    await waitFor(() => inView(status, thread), { message: "the status answer in view in the thread pane" });
    expect(await page.locator("#channel-messages .message.ephemeral").count()).toBe(channelAnswers);

    // The page it links shows Maya's picture (kept on Twilio's authenticated API) through Threadline.
    const [transcript] = await Promise.all([page.waitForEvent("popup"), answer.locator("a").click()]);
    const picture = transcript.locator("li.msg img");
    await picture.waitFor();
    await waitFor(() =>
      picture.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth > 0),
    );
    await transcript.close();
  });

  it("finds a customer by name and opens the thread a find result links to, in the demo", async () => {
    await page.locator("#thread-close").click();
    await demoPage.command(page, "/threadline find Leo");
    const result = page.locator("#channel-messages .message.ephemeral", {
      hasText: "Conversations matching",
    });
    await result.waitFor();
    expect(await result.textContent()).toContain("Leo (+1 555 333 8888)");
    const link = result.locator("a", { hasText: "thread" });
    expect(new URL((await link.getAttribute("href")) as string).origin).toBe(new URL(demo.url).origin);
    await link.click();
    await page.locator("#thread-messages .message", { hasText: "Do you deliver on Sundays?" }).waitFor();
    expect(page.url()).toBe(`${demo.url}/`);

    // Opened in a tab of its own, the link shows the same thread.
    const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await tab.goto((await link.getAttribute("href")) as string);
      await tab.locator("#thread-messages .message", { hasText: "Do you deliver on Sundays?" }).waitFor();
    } finally {
      await tab.close();
    }
  });
});
