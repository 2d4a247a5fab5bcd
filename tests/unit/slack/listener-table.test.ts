import type { App } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackSimulator } from "../../../src/simulators/slack/simulator.js";
import { waitFor } from "../../../src/simulators/wait.js";
import { ListenerRegisteredLateError, ListenerTable } from "../../../src/slack/listeners/table.js";
import { boltAppOn } from "../../support/bolt-on-simulator.js";

/* The table in front of a real Bolt app in Socket Mode, driven by the Slack simulator as the app is. */
describe("ListenerTable", () => {
  let fake: SlackSimulator;
  let app: App;
  const seen: string[] = [];
  const errors: string[] = [];
  let buttons: { channel: string; ts: string };

  beforeAll(async () => {
    fake = await SlackSimulator.start();
    fake.addUser({ id: "U1", name: "alice", realName: "Alice Agent" });
    fake.addChannel({ id: "C1", name: "support", members: ["U1", fake.botUserId] });
    app = boltAppOn(fake);
    app.error(async (error) => {
      errors.push(error.message);
    });
    const table = new ListenerTable(app);
    const on = table.listeners;
    on.action("close", async ({ ack }) => {
      await ack();
      seen.push("close");
    });
    on.action({ action_id: "assign" }, async ({ ack }) => {
      await ack();
      seen.push("assign");
    });
    // A pattern is not one id: Bolt gets it as it came.
    on.action(/^remind-/, async ({ ack, action }) => {
      await ack();
      seen.push(`pattern ${"action_id" in action ? action.action_id : ""}`);
    });
    on.event("message", async ({ event }) => {
      if ("text" in event && event.text === "fail") throw new Error("first listener failed");
      seen.push(`first ${"text" in event ? event.text : ""}`);
    });
    on.event("message", async ({ event }) => {
      seen.push(`second ${"text" in event ? event.text : ""}`);
    });
    on.options<"block_suggestion">({ action_id: "pick" }, async ({ ack }) => {
      await ack({ options: [{ text: { type: "plain_text", text: "Alice" }, value: "U1" }] });
    });
    table.attach();
    await app.start();
    const posted = await app.client.chat.postMessage({
      channel: "C1",
      text: "a parent",
      blocks: [
        {
          type: "actions",
          elements: [
            ...["close", "assign", "remind-1h", "unknown"].map((actionId) => ({
              type: "button" as const,
              action_id: actionId,
              text: { type: "plain_text" as const, text: actionId },
            })),
            {
              type: "external_select",
              action_id: "pick",
              placeholder: { type: "plain_text", text: "Assign" },
            },
          ],
        },
      ],
    });
    buttons = { channel: "C1", ts: String(posted.ts) };
  });

  afterAll(async () => {
    await app.stop();
    await fake.stop();
  });

  const click = (actionId: string, ackTimeoutMs?: number) =>
    fake.blockAction(
      fake.buildButtonClick({ channel: buttons.channel, messageTs: buttons.ts, user: "U1", actionId }),
      { ackTimeoutMs },
    );

  it("hands each action to the listener registered for its id, and only to it", async () => {
    seen.length = 0;
    await click("close");
    await click("assign");
    expect(seen).toEqual(["close", "assign"]);
  });

  it("keeps a pattern registration working as Bolt's own", async () => {
    seen.length = 0;
    await click("remind-1h");
    expect(seen).toEqual(["pattern remind-1h"]);
  });

  it("runs no listener for an id nobody registered: the click is not acknowledged", async () => {
    seen.length = 0;
    // Slack waits 3 s for an acknowledgement; a shorter wait is enough to see that none comes.
    await expect(click("unknown", 300)).rejects.toThrow(/no ack for interactive envelope/);
    await click("close");
    expect(seen).toEqual(["close"]);
  });

  it("runs every listener of an event type, and one failing stops neither the other nor the app", async () => {
    seen.length = 0;
    await fake.userMessage({ channel: "C1", user: "U1", text: "hello" });
    await waitFor(() => seen.length === 2 || undefined);
    expect(seen.sort()).toEqual(["first hello", "second hello"]);

    seen.length = 0;
    await fake.userMessage({ channel: "C1", user: "U1", text: "fail" });
    await waitFor(() => errors.length > 0 || undefined);
    expect(seen).toEqual(["second fail"]);
    expect(errors).toEqual(["first listener failed"]);
  });

  it("answers an options request from the listener registered for its action id", async () => {
    const answer = await fake.blockSuggestion(
      fake.buildBlockSuggestion({
        channel: buttons.channel,
        messageTs: buttons.ts,
        user: "U1",
        actionId: "pick",
        value: "ali",
      }),
    );
    expect(answer).toEqual({ options: [{ text: { type: "plain_text", text: "Alice" }, value: "U1" }] });
  });

  it("refuses a listener registered after the table was attached, which Bolt would never reach", () => {
    const late = new ListenerTable(app);
    late.attach();
    expect(() => late.listeners.action("late", async () => {})).toThrow(ListenerRegisteredLateError);
  });
});
