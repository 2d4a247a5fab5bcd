import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { splitText } from "../../src/channels/split-text.js";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { Harness, waitFor } from "./harness.js";

/* A reply reaches the customer once, whatever fails in between: a long reply's later part, or an answer that
 * never came back although Twilio had accepted the message. And each part's delivery shows on the reply. */

let harness: Harness;
let parent: StoredMessage;

beforeEach(async () => {
  harness = await Harness.start();
  await harness.connectInbox();
  await harness.sms("Hello");
  parent = await harness.waitForParent();
  await waitFor(() => harness.replies(parent.ts).length === 1);
});

afterEach(async () => {
  await harness.stop();
});

/** 2,400 characters of distinct words: two SMS parts. */
const longText = Array.from({ length: 500 }, (_, i) => `w${i}`).join(" ");
const longParts = splitText(longText, 1600);
const creates = () =>
  harness.twilio.requests.filter((r) => r.method === "POST" && r.path.endsWith("/Messages.json"));
const logLookups = () =>
  harness.twilio.requests.filter((r) => r.method === "GET" && r.path.includes("/Messages.json"));
const bodies = () => harness.twilio.sent.map((m) => m.Body);
const lines = () => harness.replies(parent.ts).map((m) => m.text);
const reactionsOn = (ts: string) =>
  harness.slack.reactions.filter((r) => r.timestamp === ts).map((r) => r.name);
const replySent = () => waitFor(() => harness.logs.find("reply sent to the customer"));

describe("a long reply whose later part fails", () => {
  it("sends only the parts not yet accepted when part 2 fails transiently", async () => {
    expect(longParts).toHaveLength(2);
    harness.twilio.failNext({ status: 503, after: 1 });
    await harness.reply(parent.ts, longText);
    await replySent();
    await harness.idle();
    expect(bodies()).toEqual(longParts);
    expect(creates()).toHaveLength(3);
  });

  it("sends each part once when part 2 was accepted but Twilio answered 500", async () => {
    harness.twilio.failNext({ status: 500, after: 1, accepted: "answer_error" });
    await harness.reply(parent.ts, longText);
    const sent = await replySent();
    await harness.idle();
    expect(bodies()).toEqual(longParts);
    expect(creates()).toHaveLength(2);
    expect(sent).toMatchObject({ resent: 0, foundInLog: 1 });
  });
});

describe("a send whose answer never came", () => {
  it("Twilio accepted the message and answered 500: the retry finds it in the message log and does not send it again", async () => {
    harness.twilio.failNext({ status: 500, accepted: "answer_error" });
    const { ts } = await harness.reply(parent.ts, "only once please");
    await replySent();
    await harness.idle();
    expect(bodies()).toEqual(["only once please"]);
    expect(creates()).toHaveLength(1);
    expect(logLookups().length).toBeGreaterThan(0);
    // The found message is the reply's: its status callback marks the agent's message.
    await harness.statusCallback(harness.twilio.sent[0]?.sid as string, "delivered");
    await waitFor(() => reactionsOn(ts).includes("white_check_mark"));
  });

  it("Twilio accepted the message and the connection was cut before the answer: sent once", async () => {
    harness.twilio.failNext({ status: 201, accepted: "drop_connection" });
    await harness.reply(parent.ts, "cut off");
    await replySent();
    await harness.idle();
    expect(bodies()).toEqual(["cut off"]);
    expect(creates()).toHaveLength(1);
  });

  it("a 500 before anything was accepted: the log shows nothing, so the retry sends it", async () => {
    harness.twilio.failNext({ status: 500 });
    await harness.reply(parent.ts, "retry me");
    await replySent();
    await harness.idle();
    expect(bodies()).toEqual(["retry me"]);
    expect(creates()).toHaveLength(2);
  });

  it("the same text sent earlier as another reply is not taken for this one", async () => {
    await harness.reply(parent.ts, "ok");
    await waitFor(() => harness.twilio.sent.length === 1);
    await waitFor(
      () => harness.logs.lines.filter((l) => l.msg === "reply sent to the customer").length === 1,
    );
    harness.twilio.failNext({ status: 503 });
    await harness.reply(parent.ts, "ok");
    await waitFor(() => harness.twilio.sent.length === 2);
    await harness.idle();
    expect(bodies()).toEqual(["ok", "ok"]);
  });
});

describe("delivery of a reply in several parts", () => {
  async function sentLongReply() {
    const { ts } = await harness.reply(parent.ts, longText);
    await replySent();
    const [first, second] = harness.twilio.sent;
    return { ts, first: first?.sid as string, second: second?.sid as string };
  }

  it("shows ✅ only once every part is delivered", async () => {
    const { ts, first, second } = await sentLongReply();
    expect((await harness.statusCallback(first, "delivered")).status).toBe(200);
    await harness.idle();
    expect(reactionsOn(ts)).toEqual([]);
    expect((await harness.statusCallback(second, "delivered")).status).toBe(200);
    await waitFor(() => reactionsOn(ts).includes("white_check_mark"));
  });

  it("shows ❌ and the reason when a later part fails, even after the first was delivered", async () => {
    const { ts, first, second } = await sentLongReply();
    await harness.statusCallback(first, "delivered");
    expect((await harness.statusCallback(second, "undelivered", 30007)).status).toBe(200);
    await waitFor(() => reactionsOn(ts).includes("x"));
    const line = await waitFor(() => lines().find((l) => l.startsWith("⚠️ Not delivered")));
    expect(line).toContain("the carrier filtered it as spam (Twilio error 30007)");
    expect(line).toContain("part 2 of 2");
    await harness.idle();
    expect(reactionsOn(ts)).toEqual(["x"]);
  });
});
