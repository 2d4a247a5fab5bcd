import fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TranscriptSigner } from "../../src/http/transcript/signing.js";
import { agent, customerNumber, Harness, publicUrl, supportChannel, waitFor } from "./harness.js";

const secret = "a-transcript-secret-of-at-least-32-characters";
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let harness: Harness;

/** The parent's "View all messages" button. */
function viewAllButton(): { action_id: string; url?: string } | undefined {
  const parent = harness.parents()[0];
  const actions = (parent?.blocks ?? []).find((block) => block.type === "actions") as
    | { elements: { action_id: string; url?: string; text?: { text: string } }[] }
    | undefined;
  return actions?.elements.find((element) => element.text?.text === "View all messages");
}

/** `user` clicks "View all messages" on the parent; resolves with the answer only they see. */
async function clickViewAll(user: string = agent.id): Promise<{ user: string; text: string; via: string }> {
  const before = harness.slack.ephemerals.length;
  const click = harness.slack.buildButtonClick({
    channel: supportChannel,
    messageTs: harness.parents()[0]?.ts ?? "",
    user,
    actionId: viewAllButton()?.action_id ?? "",
  });
  await harness.slack.blockAction(click);
  return waitFor(() => harness.slack.ephemerals[before]);
}

/** The link in an ephemeral answer (`<url|label>`). */
function linkIn(text: string): string {
  const url = /<(https?:[^|>]+)\|/.exec(text)?.[1];
  if (!url) throw new Error(`no link in: ${text}`);
  return url;
}

/** A fresh transcript link, as the agent gets it by clicking. */
async function transcriptLink(): Promise<string> {
  return linkIn((await clickViewAll()).text);
}

/** The same link, reached on localhost instead of through the public URL. */
const local = (url: string) => url.replace(publicUrl, harness.baseUrl);

async function startConversation(text = "Hello, is my order ready?"): Promise<string> {
  await harness.connectInbox();
  await harness.sms(text);
  const parent = await harness.waitForParent();
  await waitFor(() => harness.replies(parent.ts).length === 1);
  return parent.ts;
}

describe("transcript links", () => {
  beforeEach(async () => {
    harness = await Harness.start({ environment: { TRANSCRIPT_SECRET: secret } });
  });

  afterEach(async () => {
    await harness.stop();
  });

  it("gives whoever clicks View all messages, and only them, a fresh link valid for about 15 minutes", async () => {
    await startConversation();
    expect(viewAllButton()).toBeDefined();
    expect(viewAllButton()?.url).toBeUndefined();
    const answer = await clickViewAll();
    expect(answer).toMatchObject({ user: agent.id, via: "response_url" });
    expect(answer.text).toContain("valid for 15 minutes");
    const link = new URL(linkIn(answer.text));
    expect(link.origin + link.pathname).toMatch(new RegExp(`^${publicUrl}/conversations/\\d+$`));
    const [expiry] = (link.searchParams.get("sig") ?? "").split(".");
    const minutes = (Number(expiry) * 1000 - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    expect((await fetch(local(link.href))).status).toBe(200);
    expect(harness.logs.find("transcript link given")).toMatchObject({ user: agent.id });
    expect(JSON.stringify(harness.logs.lines)).not.toContain(link.searchParams.get("sig"));
  });

  it("refuses someone who is not a member of the conversation's channel", async () => {
    await startConversation();
    harness.slack.addUser({ id: "U0VISITOR", name: "vic", realName: "Vic Visitor", displayName: "Vic" });
    const answer = await clickViewAll("U0VISITOR");
    expect(answer.user).toBe("U0VISITOR");
    expect(answer.text).toBe(
      `Only members of <#${supportChannel}> can see this conversation; join the channel first.`,
    );
    expect(harness.logs.find("transcript link not given")).toMatchObject({ user: "U0VISITOR" });
  });

  it("refuses from a thread whose inbox has left the channel", async () => {
    await startConversation();
    expect(await harness.command("disconnect +15550001111")).toContain("Disconnected");
    const answer = await clickViewAll();
    expect(answer.text).not.toMatch(/https?:/);
    expect(answer.text).toContain("disconnected");
  });

  it("serves the page with headers that keep the link private and scripts off", async () => {
    await startConversation();
    const answer = await fetch(local(await transcriptLink()));
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(answer.headers.get("referrer-policy")).toBe("no-referrer");
    expect(answer.headers.get("cache-control")).toBe("private, no-store");
    expect(answer.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await answer.text()).toContain("Hello, is my order ready?");
  });

  it("answers 403 with the same page to a missing, wrong, altered or expired signature, and logs it", async () => {
    await startConversation();
    const link = new URL(local(await transcriptLink()));
    const sig = link.searchParams.get("sig") ?? "";
    const id = Number(link.pathname.split("/").at(-1));
    const expired = new TranscriptSigner(publicUrl, 1_000, () => Date.now() - 60_000);
    expired.useSecret(secret);
    const otherSecret = new TranscriptSigner(publicUrl);
    otherSecret.useSecret("another-secret-another-secret-another-secret");
    const attempts = [
      `${harness.baseUrl}/conversations/${id}`,
      `${harness.baseUrl}/conversations/${id}?sig=`,
      `${harness.baseUrl}/conversations/${id}?sig=garbage`,
      `${harness.baseUrl}/conversations/${id + 1}?sig=${sig}`,
      `${harness.baseUrl}/conversations/${id}?sig=${Number(sig.split(".")[0]) + 1}.${sig.split(".")[1]}`,
      local(expired.urlFor(id).url),
      local(otherSecret.urlFor(id).url),
      `${harness.baseUrl}/conversations/not-a-number?sig=${sig}`,
    ];
    const bodies = new Set<string>();
    for (const url of attempts) {
      const answer = await fetch(url);
      expect(answer.status, url).toBe(403);
      bodies.add(await answer.text());
    }
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).not.toContain("Hello");
    const refusals = harness.logs.lines.filter((line) => line.msg === "transcript link refused");
    expect(refusals.map((line) => line.reason)).toEqual([
      "missing",
      "missing",
      "malformed",
      "wrong",
      "wrong",
      "expired",
      "wrong",
      "wrong",
    ]);
    expect(JSON.stringify(harness.logs.lines)).not.toContain(sig.split(".")[1]);
  });

  it("answers 404 to a well-signed link to a conversation that does not exist", async () => {
    const signer = new TranscriptSigner(publicUrl);
    signer.useSecret(secret);
    const answer = await fetch(local(signer.urlFor(4242).url));
    expect(answer.status).toBe(404);
    expect(harness.logs.find("transcript of an unknown conversation")).toMatchObject({
      conversationId: 4242,
    });
  });
});

describe("transcript links without TRANSCRIPT_SECRET", () => {
  beforeEach(async () => {
    harness = await Harness.start();
  });

  afterEach(async () => {
    await harness.stop();
  });

  it("signs with a secret generated once and kept in the database, so links survive a restart", async () => {
    await startConversation();
    const link = await transcriptLink();
    expect((await fetch(local(link))).status).toBe(200);
    await harness.restart();
    expect((await fetch(local(link))).status).toBe(200);
  });
});

/** A picture the customer "sent", served without auth like a public MMS media URL. */
async function servePicture(): Promise<{ url: string; server: Server }> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200" viewBox="0 0 320 200">
<rect width="320" height="200" rx="16" fill="#f2c14e"/><rect x="90" y="50" width="140" height="100" rx="8" fill="#b5651d"/>
<rect x="90" y="90" width="140" height="14" fill="#8a4b12"/><text x="160" y="185" font-family="sans-serif" font-size="16" text-anchor="middle" fill="#3b2a10">damaged box</text></svg>`;
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "image/svg+xml" });
    response.end(svg);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/media/box.svg`, server };
}

describe.skipIf(!fs.existsSync(chromiumPath))("the transcript page in a browser", () => {
  let browser: Browser;
  let picture: { url: string; server: Server };

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    picture = await servePicture();
  });

  afterAll(async () => {
    await browser?.close();
    picture?.server.close();
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
      media: [{ url: picture.url, contentType: "image/svg+xml" }],
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
    expect(await image.getAttribute("src")).toBe(picture.url);
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
