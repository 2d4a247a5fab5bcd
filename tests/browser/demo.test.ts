import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Demo, startDemo } from "../../src/demo/demo.js";
import { waitFor } from "../../src/simulators/wait.js";
import { launchChromium } from "../support/chromium.js";
import { demoPage } from "./demo-page.js";

const projectRoot = path.resolve(import.meta.dirname, "../..");
/** How Threadline titles Maya's conversation (the demo's first customer, +15557654321). */
const mayasThread = "Conversation with Maya";

describe("the demo page", () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    demo = await startDemo({ port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(demo.url);
    await page.locator("#live.on").waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it("shows a customer's text as a thread, brings the teammate's reply to the phone, keeps notes inside, and closes", async () => {
    await demoPage.customerTexts(page, "Maya", "Is my order on its way?", "Dented package");
    const parent = demoPage.parent(page, mayasThread);
    await parent.waitFor();
    expect(await parent.locator(".block-context").first().textContent()).toContain("Open");

    await demoPage.openThread(page, mayasThread);
    const thread = page.locator("#thread-messages");
    await thread.locator(".message", { hasText: "Is my order on its way?" }).waitFor();
    await thread.locator(".file-image img").waitFor();

    await demoPage.reply(page, "Yes, it ships today & arrives Friday.");
    const reply = page.locator(".phone-message.theirs .bubble", {
      hasText: "Yes, it ships today & arrives Friday.",
    });
    await reply.waitFor();
    await demoPage.reply(page, "note: upgrade the shipping");
    await thread.locator(".message.note", { hasText: "upgrade the shipping" }).waitFor();
    await thread.locator(".reaction").first().waitFor();
    expect(await page.locator(".phone-message.theirs").allTextContents()).toEqual([
      "Yes, it ships today & arrives Friday.",
    ]);

    await demoPage.assign(page, mayasThread, "Ben");
    await parent.locator(".block-context", { hasText: "Assigned to @Ben" }).waitFor();

    await parent.locator(".block-button", { hasText: "Close" }).click();
    await parent.locator(".block-context", { hasText: "Closed" }).waitFor();
    expect(await parent.locator(".block-button", { hasText: "Reopen" }).count()).toBe(1);
  });

  it("runs /threadline commands and shows the answer only to whoever ran them", async () => {
    await demoPage.signIn(page, "Chloé Martin");
    await demoPage.command(page, "/threadline status");
    const answer = page.locator("#channel-messages .message.ephemeral").last();
    await answer.locator(".only-you").waitFor();
    expect(await answer.textContent()).toContain("+1 555 000 1111");
    await demoPage.signIn(page, "Ben Okafor");
    await waitFor(async () => (await page.locator("#channel-messages .message.ephemeral").count()) === 0);
  });

  it("refuses what the page should never send, with the reason", async () => {
    const unknownCustomer = await fetch(`${demo.url}/demo/phone`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ customer: "+19999999999", text: "hi", picture: null }),
    });
    expect(unknownCustomer.status).toBe(400);
    expect(await unknownCustomer.json()).toEqual({ error: "no demo customer +19999999999" });

    const noSuchMessage = await fetch(`${demo.url}/demo/slack/button`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "U0ANA", messageTs: "1.000001", actionId: "threadline.close" }),
    });
    expect(noSuchMessage.status).toBe(400);
    expect(((await noSuchMessage.json()) as { error: string }).error).toContain("no message 1.000001");

    const malformed = await fetch(`${demo.url}/demo/slack/message`, { method: "POST", body: "{}" });
    expect(malformed.status).toBe(400);
  });
});

/** `npm run demo` as someone runs it; resolves with its URL once it is up. */
function runDemo(environment: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn("npm", ["run", "demo"], {
    cwd: projectRoot,
    env: { ...process.env, ...environment },
    // Its own process group, so the test can signal the whole group as a terminal's Ctrl-C does.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  return { child, output: () => output };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

describe("npm run demo", () => {
  it("prints its URL, serves the page, and on Ctrl-C stops cleanly and deletes its temporary folder", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-demo-test-"));
    try {
      const { child, output } = runDemo({ DEMO_PORT: "0", TMPDIR: tmp });
      const done = exited(child);
      const url = await waitFor(() => /open (http:\/\/localhost:\d+)/.exec(output())?.[1], {
        timeoutMs: 60_000,
        message: "the demo's URL",
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<title>Threadline demo</title>");
      expect(fs.readdirSync(tmp)).toHaveLength(1);

      process.kill(-(child.pid as number), "SIGINT");
      expect(await done).toEqual({ code: 0, signal: null });
      expect(output()).toContain("Demo stopped.");
      expect(fs.readdirSync(tmp)).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 90_000);

  it("refuses a DEMO_PORT that is not a port, saying so", async () => {
    const { child, output } = runDemo({ DEMO_PORT: "eighty" });
    expect(await exited(child)).toEqual({ code: 1, signal: null });
    expect(output()).toContain("The demo cannot start");
    expect(output()).toContain("DEMO_PORT");
  }, 90_000);
});
