import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agent, customerNumber, Harness, waitFor } from "./harness.js";

let harness: Harness;

beforeEach(async () => {
  harness = await Harness.start();
  await harness.connectInbox();
});

afterEach(async () => {
  await harness.stop();
});

/**
 * What an instance killed between Slack's answer to the parent post and recording its ts leaves behind: the
 * parent is in Slack, the conversation has no thread. (Another connection on the file, as that instance was.)
 */
function cutOffThreadRecording(databaseUrl: string): void {
  const db = new Database(path.resolve(databaseUrl.replace(/^file:/, "")));
  try {
    db.pragma("busy_timeout = 5000");
    db.prepare(`UPDATE "Conversation" SET "slackChannelId" = NULL, "slackThreadTs" = NULL`).run();
  } finally {
    db.close();
  }
}

describe("a reply under a parent whose recording was cut off by a kill", () => {
  it("records the thread from the parent's metadata and sends the reply; the conversation keeps that thread", async () => {
    await harness.sms("Hi there");
    const parent = await harness.waitForParent();
    await waitFor(() => harness.replies(parent.ts).length === 1);
    cutOffThreadRecording(harness.databaseUrl);

    await harness.reply(parent.ts, "we got you");
    await waitFor(() => harness.twilio.sent.length === 1, { timeoutMs: 10_000 });
    expect(harness.twilio.sent[0]).toMatchObject({ To: customerNumber, Body: "we got you" });
    // Nothing told privately in the thread: the reply went through.
    expect(harness.slack.ephemerals.filter((e) => e.user === agent.id && e.thread_ts === parent.ts)).toEqual(
      [],
    );

    // The customer's next message goes into the same thread: no second parent.
    await harness.sms("thanks!");
    await waitFor(() => harness.replies(parent.ts).some((m) => m.text === "thanks!"));
    expect(harness.parents().map((m) => m.ts)).toEqual([parent.ts]);
  });

  it("adopts nothing from a post another app made with the same metadata: the reply is not sent, and the agent is told", async () => {
    await harness.sms("Hi there");
    const parent = await harness.waitForParent();
    await waitFor(() => harness.replies(parent.ts).length === 1);
    cutOffThreadRecording(harness.databaseUrl);
    // As if another app in the workspace had posted it, metadata and all.
    const stored = harness.slack.messages.find((m) => m.ts === parent.ts) as { bot_id?: string };
    stored.bot_id = "B0OTHERAPP";

    await harness.reply(parent.ts, "we got you");
    const told = await waitFor(() =>
      harness.slack.ephemerals.find((e) => e.user === agent.id && e.thread_ts === parent.ts),
    );
    expect(told.text).toContain("Not sent");
    expect(harness.twilio.sent).toEqual([]);
  });
});
