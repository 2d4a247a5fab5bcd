import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { encodePng } from "../../src/demo/png.js";
import { Harness, waitFor } from "../e2e/harness.js";
import { launchChromium } from "../support/chromium.js";

/** A customer's website on an origin of its own, embedding the chat with the snippet Threadline gave. */
async function startSite(scriptUrl: () => string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(`<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width">
      <title>Acme Store</title></head><body><h1>Acme Store</h1><p>Shoes and more.</p>
      <script src="${scriptUrl()}" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // localhost, not 127.0.0.1: another host and port than the app's, so every call is cross-origin.
    origin: `http://localhost:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A small photo of a dented box. */
const photo = encodePng(40, 30, (x, y) =>
  x > 10 && x < 30 && y > 8 && y < 22 ? [181, 101, 29] : [242, 193, 78],
);

describe("the web chat widget on a customer's site", () => {
  let browser: Browser;
  let harness: Harness;
  let site: Awaited<ReturnType<typeof startSite>>;
  let otherSite: Awaited<ReturnType<typeof startSite>>;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    const script = () => `${harness.baseUrl}/webchat/acme-store.js`;
    site = await startSite(script);
    otherSite = await startSite(script);
    harness = await Harness.start({ environment: { WEBCHAT_ORIGINS: site.origin } });
    const answer = await harness.command("connect webchat Acme Store");
    expect(answer).toContain("/webchat/acme-store.js");
  });

  afterEach(async () => {
    await harness.stop();
    await Promise.all([site.close(), otherSite.close()]);
  });

  const panelText = (page: Page) => page.getByRole("log", { name: "Conversation" });

  it("opens, sends, receives the agent's reply live, and shows the history after a reload, at 360 px", async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto(site.origin);

    // Keyboard only: the launcher, then the message box it focuses, then Enter.
    const launcher = page.getByRole("button", { name: "Chat with us" });
    await launcher.focus();
    await page.keyboard.press("Enter");
    const message = page.getByLabel("Message");
    await expect.poll(() => message.evaluate((box) => box === box.getRootNode().activeElement)).toBe(true);
    await page.keyboard.type("Hello from the website <b>not bold</b>");
    await page.keyboard.press("Enter");

    const parent = await harness.waitForParent();
    expect(parent.text).toMatch(/Conversation with Visitor [0-9A-F]{4}/);
    await waitFor(() =>
      harness.replies(parent.ts).some((reply) => reply.text.startsWith("Hello from the website")),
    );
    await panelText(page).getByText("Hello from the website <b>not bold</b>").waitFor();

    await harness.reply(parent.ts, "Hi! Ana here, how can I help?");
    await panelText(page).getByText("Hi! Ana here, how can I help?").waitFor();

    // The panel and its Send button fit a 360 px screen.
    const panel = await page.getByRole("dialog", { name: "Chat with us" }).boundingBox();
    expect(panel && panel.x >= 0 && panel.x + panel.width <= 360).toBe(true);
    const send = await page.getByRole("button", { name: "Send" }).boundingBox();
    expect(send && send.x + send.width <= 360).toBe(true);

    await page.reload();
    await page.getByRole("button", { name: "Chat with us" }).click();
    await panelText(page).getByText("Hello from the website <b>not bold</b>").waitFor();
    await panelText(page).getByText("Hi! Ana here, how can I help?").waitFor();
    // A returning visitor continues the same conversation: no second thread.
    await page.getByLabel("Message").fill("Still there?");
    await page.getByRole("button", { name: "Send" }).click();
    await waitFor(() => harness.replies(parent.ts).some((reply) => reply.text === "Still there?"));
    expect(harness.parents()).toHaveLength(1);
    await context.close();
  });

  it("shows the away message out of hours, and sends an image with the visitor's name", async () => {
    await harness.command("hours Sun 09:00-09:01 UTC");
    await harness.command("away We're closed; we answer from 9am.");
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto(site.origin);
    await page.getByRole("button", { name: "Chat with us" }).click();
    expect(await page.getByRole("status").textContent()).toBe("We're closed; we answer from 9am.");

    // A file that is not an image is refused in the panel, before anything is sent.
    await page.getByLabel("Attach an image").setInputFiles({
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("hello"),
    });
    await page.getByRole("button", { name: "Send" }).click();
    expect(await page.getByRole("alert").textContent()).toBe("Images must be JPEG, PNG, GIF or WebP.");

    await page.getByText("Add your name and e-mail (optional)").click();
    await page.getByLabel("Name").fill("Jane Roe");
    await page.getByLabel("E-mail").fill("jane@example.com");
    await page
      .getByLabel("Attach an image")
      .setInputFiles({ name: "box.png", mimeType: "image/png", buffer: photo });
    await page.getByLabel("Message").fill("The box arrived dented");
    await page.getByRole("button", { name: "Send" }).click();

    const parent = await harness.waitForParent();
    expect(parent.text).toContain("Conversation with Jane Roe (jane@example.com)");
    const upload = await waitFor(() => harness.slack.uploads.find((each) => each.thread_ts === parent.ts));
    expect(Buffer.compare(upload.bytes, photo)).toBe(0);
    await context.close();
  });

  it("starts afresh when the token kept in the browser is damaged", async () => {
    const context = await browser.newContext();
    await context.addInitScript('localStorage.setItem("threadline-webchat:acme-store", "damaged")');
    const page = await context.newPage();
    await page.goto(site.origin);
    await page.getByRole("button", { name: "Chat with us" }).click();
    await page.getByLabel("Message").fill("Hello again");
    await page.getByRole("button", { name: "Send" }).click();
    const parent = await harness.waitForParent();
    await waitFor(() => harness.replies(parent.ts).some((reply) => reply.text === "Hello again"));
    await page.getByRole("log", { name: "Conversation" }).getByText("Hello again").waitFor();
    expect(harness.logs.find("web chat request refused: visitor token missing or malformed")).toBeDefined();
    await context.close();
  });

  it("shows nothing on a site not in WEBCHAT_ORIGINS, and the server logs the refusal", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const warned = new Promise<string>((resolve) =>
      page.on("console", (line) => {
        if (line.text().includes("Threadline web chat")) resolve(line.text());
      }),
    );
    await page.goto(otherSite.origin);
    await waitFor(() => harness.logs.find("web chat request refused: origin not allowed"));
    expect(harness.logs.find("web chat request refused: origin not allowed")).toMatchObject({
      origin: otherSite.origin,
    });
    // The browser itself blocks the answer (no Access-Control-Allow-Origin): the widget says so and stops.
    expect(await warned).toContain("Threadline web chat");
    expect(await page.getByRole("button", { name: "Chat with us" }).count()).toBe(0);
    await context.close();
  });
});
