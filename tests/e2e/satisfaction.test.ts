import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { events, notification } from "../../src/simulators/meta/payloads.js";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, customerNumber, Harness, messenger, supportChannel, waitFor } from "./harness.js";

let harness: Harness;
let parent: StoredMessage;

const question = "How did we do? Reply 1 (bad) to 5 (great)";

beforeEach(async () => {
  harness = await Harness.start();
  harness.slack.addUser({ id: "U0OUTSIDE", name: "olga", realName: "Olga Outside" });
  await harness.connectInbox();
  await harness.sms("I need help");
  parent = await harness.waitForParent();
});

afterEach(async () => {
  await harness.stop();
});

const click = (actionId: "threadline.close" | "threadline.reopen") =>
  harness.slack.blockAction(
    harness.slack.buildButtonClick({
      channel: supportChannel,
      messageTs: parent.ts,
      user: agent.id,
      actionId,
    }),
  );
const parentText = () => JSON.stringify(harness.slack.messages.find((m) => m.ts === parent.ts)?.blocks);
const threadLines = () => harness.replies(parent.ts).map((m) => m.text);
const sentTexts = () => harness.twilio.sent.filter((m) => m.To === customerNumber).map((m) => m.Body);
const close = async () => {
  await click("threadline.close");
  await waitFor(() => parentText().includes("threadline.reopen"));
};

describe("customer satisfaction", () => {
  it("asks once on close, records a 1–5 answer without reopening, and shows it in the thread", async () => {
    expect(await harness.command("csat")).toContain("*Customer satisfaction:* off");
    expect(await harness.command("csat on")).toContain("Saved. *Customer satisfaction:* on");
    await close();
    await waitFor(() => sentTexts().includes(question));
    await waitFor(() =>
      threadLines().includes(`📋 Satisfaction question sent to the customer:\n> ${question}`),
    );

    await harness.sms("4");
    await waitFor(() => threadLines().includes("⭐ 4/5 — the customer's satisfaction answer"));
    await harness.idle();
    expect(parentText()).toContain("threadline.reopen");
    expect(harness.logs.find("satisfaction answer recorded")).toMatchObject({ score: 4 });

    // Reopened and closed again the same day: not asked twice.
    await click("threadline.reopen");
    await waitFor(() => parentText().includes("threadline.close"));
    await close();
    await waitFor(() => harness.logs.find("satisfaction question not sent"));
    expect(harness.logs.find("satisfaction question not sent")).toMatchObject({
      reason: "already asked within a day",
    });
    expect(sentTexts().filter((body) => body === question)).toHaveLength(1);
  });

  it("reopens as usual on anything but a score, and uses the team's own question", async () => {
    expect(await harness.command("csat Rate us from 1 to 5, please")).toContain(
      "> Rate us from 1 to 5, please",
    );
    await close();
    await waitFor(() => sentTexts().includes("Rate us from 1 to 5, please"));
    await harness.sms("Actually one more thing");
    await waitFor(() => parentText().includes("threadline.close"));
    await harness.idle();
    expect(threadLines().some((line) => line.startsWith("⭐"))).toBe(false);
  });

  it("does not ask a customer who opted out", async () => {
    await harness.command("csat on");
    await harness.sms("STOP");
    await waitFor(() => threadLines().some((line) => line.includes("opted out")));
    await close();
    await waitFor(() => harness.logs.find("satisfaction question not sent"));
    expect(harness.logs.find("satisfaction question not sent")).toMatchObject({
      reason: "the customer opted out",
    });
    expect(sentTexts()).not.toContain(question);
  });

  it("sends nothing when off, and refuses bad settings and outsiders", async () => {
    await close();
    await harness.idle();
    expect(sentTexts()).toEqual([]);
    expect(await harness.command(`csat ${"x".repeat(301)}`)).toContain("keep it under 300");
    const outsider = await harness.slack.slashCommand({
      channel_id: supportChannel,
      user_id: "U0OUTSIDE",
      text: "csat on",
    });
    expect(String(outsider.text)).toContain("can change the satisfaction question");
    expect(await harness.command("csat")).toContain("off");
    harness.slack.addChannel({ id: "C0EMPTY", name: "empty", members: [harness.slack.botUserId, agent.id] });
    expect(await harness.command("csat on", "C0EMPTY")).toContain("Nothing is connected to this channel");
  });

  it("does not ask outside the channel's reply window (Messenger, a customer silent for two days)", async () => {
    expect(await harness.command(`connect messenger ${messenger.pageId}`)).toContain("Connected Messenger");
    await harness.command("csat on");
    const before = new Set(harness.parents().map((message) => message.ts));
    await harness.messengerWebhook(
      notification([
        {
          pageId: messenger.pageId,
          events: [
            events.text(messenger.pageId, messenger.psid, "hello", {
              timestamp: Date.now() - 2 * 86_400_000,
            }),
          ],
        },
      ]),
    );
    parent = await waitFor(() => harness.parents().find((message) => !before.has(message.ts)));
    await close();
    await waitFor(() => harness.logs.find("satisfaction question not sent"));
    expect(harness.logs.find("satisfaction question not sent")).toMatchObject({
      reason: "outside the channel's reply window",
    });
    expect(harness.graph.sends).toEqual([]);
  });
});
