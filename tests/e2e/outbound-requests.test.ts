import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { notification } from "../../src/simulators/meta/payloads.js";
import { RecordingServer } from "../fakes/recording-server.js";
import { agent, Harness, messenger, supportChannel, waitFor } from "./harness.js";

/*
 * Which hosts the app downloads from, and which get credentials: links in webhooks and Slack events are
 * written by whoever sent them, so none of them may make the server fetch something of its choosing or hand
 * over a token. The RecordingServer stands for such a target (an internal service, a metadata address).
 */

const { pageId, psid } = messenger;
const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
const mb = 1024 * 1024;

let harness: Harness;
let target: RecordingServer;

beforeEach(async () => {
  [harness, target] = await Promise.all([Harness.start(), RecordingServer.start()]);
});

afterEach(async () => {
  await Promise.all([harness.stop(), target.stop()]);
});

/** Delivery jobs claimed and not yet settled, read from the database file. */
function runningJobs(): number {
  const db = new Database(path.join(harness.databaseDir, "threadline.db"), { readonly: true });
  try {
    const row = db
      .prepare(`SELECT COUNT(*) AS "count" FROM "DeliveryJob" WHERE "leaseOwner" IS NOT NULL`)
      .get();
    return (row as { count: number }).count;
  } finally {
    db.close();
  }
}

const fromCustomer = (attachments: unknown[], from: string = psid) =>
  harness.messengerWebhook(
    notification([
      {
        pageId,
        events: [
          {
            sender: { id: from },
            recipient: { id: pageId },
            timestamp: Date.now(),
            message: { mid: `m_${from}_${Math.random().toString(36).slice(2)}`, attachments },
          },
        ],
      },
    ]),
  );

/** The texts of the thread's replies once one of them satisfies `done`. */
async function threadUntil(done: (line: string) => boolean, channel = supportChannel): Promise<string[]> {
  return waitFor(() => {
    const parent = harness.parents(channel)[0];
    const lines = parent ? harness.replies(parent.ts, channel).map((m) => m.text) : [];
    return lines.some(done) && lines;
  });
}

describe("Messenger: only files are downloaded, only from MESSENGER_MEDIA_HOSTS", () => {
  beforeEach(async () => {
    expect(await harness.command(`connect messenger ${pageId}`)).toContain("Connected Messenger");
  });

  it("shows a shared link in the thread, escaped, and never fetches it", async () => {
    const link = target.url("/latest/meta-data/?role=admin&x=1");
    const old = target.url("/old-style");
    const response = await fromCustomer([
      { type: "fallback", payload: { url: link, title: "Look <!channel>" } },
      { type: "fallback", title: "Old share", url: old, payload: null },
    ]);
    expect(response.status).toBe(200);
    const lines = await threadUntil((line) => line.includes("🔗"));
    expect(lines[0]).toBe(`🔗 Look &lt;!channel&gt;: ${link.replace("&", "&amp;")}\n🔗 Old share: ${old}`);
    await harness.idle();
    expect(target.hits).toEqual([]);
    expect(harness.slack.uploads).toHaveLength(0);
  });

  it("does not fetch an image from a host that is not listed, and says why in the thread", async () => {
    await fromCustomer([{ type: "image", payload: { url: target.url("/photo.png") } }]);
    const lines = await threadUntil((line) => line.includes("could not be downloaded"));
    expect(lines).toContain(
      `⚠️ The customer sent image/* that could not be downloaded: ${new URL(target.url("/")).host} is not an allowed host (MESSENGER_MEDIA_HOSTS).`,
    );
    expect(target.hits).toEqual([]);
    expect(harness.logs.find("customer media could not be downloaded")).toMatchObject({
      code: "MEDIA_URL_REFUSED",
    });
  });

  it("refuses a redirect from a listed host to one that is not", async () => {
    const url = harness.graph.redirectFile("moved.png", target.url("/internal/secret.png"));
    await fromCustomer([{ type: "image", payload: { url } }]);
    const lines = await threadUntil((line) => line.includes("could not be downloaded"));
    expect(lines.find((line) => line.includes("could not be downloaded"))).toContain(
      "it redirected elsewhere",
    );
    expect(harness.graph.cdn.requests).toBe(1);
    expect(target.hits).toEqual([]);
  });

  it("hangs up on a file as soon as it passes 25 MB instead of reading it all", async () => {
    const { url, progress } = harness.graph.streamFile("huge.mp4", 200 * mb);
    await fromCustomer([{ type: "video", payload: { url } }]);
    const lines = await threadUntil((line) => line.includes("could not be downloaded"));
    expect(lines.find((line) => line.includes("could not be downloaded"))).toContain(
      "the file is larger than 25 MB",
    );
    await waitFor(() => progress.hungUp);
    expect(progress.finished).toBe(false);
    // What was sent before the hang-up: the 25 MB read, plus what the sockets buffered meanwhile.
    expect(progress.sent).toBeLessThan(60 * mb);
    expect(harness.slack.uploads).toHaveLength(0);
  });

  it("downloads at most four customer files at once", async () => {
    const url = harness.graph.hostFile("photo.png", png, "image/png");
    harness.graph.holdFiles();
    const customers = Array.from({ length: 8 }, (_, i): string => `24000000000${String(i).padStart(5, "0")}`);
    for (const customer of customers) await fromCustomer([{ type: "image", payload: { url } }], customer);
    await waitFor(() => harness.graph.cdn.inFlight === 4);
    // Every file's job has started: four are downloading, the other four wait for a transfer slot.
    await waitFor(() => runningJobs() === customers.length);
    expect(harness.graph.cdn.requests).toBe(4);
    harness.graph.releaseFiles();
    await waitFor(() => harness.slack.uploads.length === 8, { timeoutMs: 20_000 });
    expect(harness.graph.cdn.maxInFlight).toBe(4);
  });
});

describe("Twilio media: the account's credentials go only to Twilio", () => {
  beforeEach(() => harness.connectInbox());

  it("never sends a request, let alone the Authorization header, to a MediaUrl on another host", async () => {
    const url = target.url(
      `/2010-04-01/Accounts/${harness.twilio.accountSid}/Messages/MM${"1".repeat(32)}/Media/ME${"2".repeat(32)}`,
    );
    await harness.sms("photo", { media: [{ url, contentType: "image/png" }] });
    const lines = await threadUntil((line) => line.includes("could not be downloaded"));
    expect(lines).toContain(
      `⚠️ The customer sent image/png that could not be downloaded: ${new URL(url).host} is not a Twilio address.`,
    );
    await harness.idle();
    expect(target.hits).toEqual([]);
  });
});

describe("Slack files: the bot token goes only to Slack", () => {
  it("never sends the bot token to a file link on another host, and tells the agent", async () => {
    await harness.connectInbox();
    await harness.sms("Hello");
    const parent = await harness.waitForParent();
    const file = harness.slack.addFile({
      name: "receipt.png",
      mimetype: "image/png",
      bytes: png,
      user: agent.id,
    });
    Object.assign(file, {
      url_private: target.url("/files-pri/T1-F1/receipt.png"),
      url_private_download: target.url("/files-pri/T1-F1/download/receipt.png"),
    });
    await harness.slack.userMessage({
      channel: supportChannel,
      user: agent.id,
      text: "Your receipt",
      thread_ts: parent.ts,
      files: [file],
    });
    const lines = await threadUntil((line) => line.startsWith("⚠️ Not delivered"));
    expect(lines).toContain(
      `⚠️ Not delivered to the customer: ${new URL(target.url("/")).host} is not Slack's file host`,
    );
    await harness.idle();
    expect(target.hits).toEqual([]);
    expect(harness.twilio.sent).toHaveLength(0);
  });
});
