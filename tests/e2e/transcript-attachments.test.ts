import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodePng } from "../../src/demo/png.js";
import { agent, Harness, publicUrl, supportChannel, waitFor } from "./harness.js";

const secret = "a-transcript-secret-of-at-least-32-characters";
const photo = encodePng(32, 20, (x) => (x < 16 ? [181, 101, 29] : [242, 193, 78]));
const receipt = encodePng(24, 24, () => [250, 250, 250]);

let harness: Harness;

/** The files the transcript page links, as absolute URLs on the app's local port. */
async function pageFiles(): Promise<string[]> {
  const parent = await harness.waitForParent();
  const before = harness.slack.ephemerals.length;
  await harness.slack.blockAction(
    harness.slack.buildButtonClick({
      channel: supportChannel,
      messageTs: parent.ts,
      user: agent.id,
      actionId: "threadline.transcript_link",
    }),
  );
  const answer = await waitFor(() => harness.slack.ephemerals[before]);
  const link = (/<(https?:[^|>]+)\|/.exec(answer.text)?.[1] ?? "").replace(publicUrl, harness.baseUrl);
  const page = await (await fetch(link)).text();
  return [...page.matchAll(/<img src="([^"]+)"|<a class="file" href="([^"]+)"/g)].map(
    (match) => `${harness.baseUrl}${(match[1] ?? match[2] ?? "").replaceAll("&amp;", "&")}`,
  );
}

/** A customer's MMS on Twilio's API (which asks for the account's credentials), then an agent's file in Slack. */
async function conversationWithFiles(): Promise<void> {
  await harness.connectInbox();
  await harness.sms("Here is the box", {
    media: [{ url: harness.twilio.addMedia(photo, "image/png"), contentType: "image/png" }],
  });
  const parent = await harness.waitForParent();
  const file = harness.slack.addFile({
    name: "receipt.png",
    mimetype: "image/png",
    bytes: receipt,
    user: agent.id,
  });
  await harness.slack.userMessage({
    channel: supportChannel,
    user: agent.id,
    text: "Your receipt",
    thread_ts: parent.ts,
    files: [file],
  });
  await waitFor(() => harness.twilio.sent[0]);
}

describe("files on the transcript page", () => {
  beforeEach(async () => {
    harness = await Harness.start({ environment: { TRANSCRIPT_SECRET: secret } });
  });

  afterEach(async () => {
    await harness.stop();
  });

  it("serves the customer's picture and the agent's file through Threadline, under the page's signature", async () => {
    await conversationWithFiles();
    const [customers, agents] = await waitFor(async () => {
      const files = await pageFiles();
      return files.length === 2 && files;
    });
    for (const [url, bytes] of [
      [customers as string, photo],
      [agents as string, receipt],
    ] as const) {
      expect(url).toMatch(/\/conversations\/\d+\/attachments\/\d+\/0\?sig=\d+\.[\w-]+$/);
      const answer = await fetch(url);
      expect(answer.status).toBe(200);
      expect(Object.fromEntries(answer.headers)).toMatchObject({
        "content-type": "image/png",
        "content-security-policy": "default-src 'none'; sandbox",
        "referrer-policy": "no-referrer",
        "x-content-type-options": "nosniff",
      });
      expect(answer.headers.get("cache-control")).toMatch(/^private/);
      expect(Buffer.compare(Buffer.from(await answer.arrayBuffer()), bytes)).toBe(0);
    }
  });

  it("refuses an altered or foreign signature (403), a file that is not there (404), and says when the source fails (502)", async () => {
    await conversationWithFiles();
    const [customers] = await waitFor(async () => {
      const files = await pageFiles();
      return files.length === 2 && files;
    });
    const url = new URL(customers as string);
    const [, , conversationId, , messageId] = url.pathname.split("/");
    const sig = url.searchParams.get("sig") ?? "";
    const at = (path: string, signature = sig) => `${harness.baseUrl}${path}?sig=${signature}`;

    const refused = [
      at(url.pathname, `${Number(sig.split(".")[0]) + 1}.${sig.split(".")[1]}`),
      at(url.pathname, "garbage"),
      `${harness.baseUrl}${url.pathname}`,
      at(`/conversations/${Number(conversationId) + 1}/attachments/${messageId}/0`),
      at(`/conversations/${conversationId}/attachments/${messageId}/-1`),
    ];
    for (const link of refused) expect((await fetch(link)).status, link).toBe(403);
    expect(
      harness.logs.lines.filter((line) => line.msg === "transcript attachment link refused"),
    ).toHaveLength(refused.length);

    expect((await fetch(at(`/conversations/${conversationId}/attachments/${messageId}/1`))).status).toBe(404);
    expect((await fetch(at(`/conversations/${conversationId}/attachments/999999/0`))).status).toBe(404);
    expect(
      harness.logs.lines
        .filter((line) => line.msg === "transcript attachment not found")
        .map((line) => [line.messageId, line.index]),
    ).toEqual([
      [Number(messageId), 1],
      [999999, 0],
    ]);

    harness.twilio.setDown(true);
    const unavailable = await fetch(url);
    expect(unavailable.status).toBe(502);
    expect(await unavailable.text()).toContain("could not be fetched just now");
    expect(
      harness.logs.find("transcript attachment could not be fetched from where it is kept"),
    ).toMatchObject({
      conversationId: Number(conversationId),
    });
    expect(JSON.stringify(harness.logs.lines)).not.toContain(sig.split(".")[1]);
  });
});
