import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, Harness, supportChannel, waitFor } from "./harness.js";

let harness: Harness;
let parent: StoredMessage;

const bruno = { id: "U0BRUNO", name: "bruno", realName: "Bruno Costa", displayName: "Bruno" };

beforeEach(async () => {
  harness = await Harness.start();
  const { slack } = harness;
  slack.addUser(bruno);
  slack.addUser({ id: "U0HELPER", name: "helper", realName: "Helper Bot", isBot: true });
  slack.addUser({ id: "U0GONE", name: "gone", realName: "Gone Person", deleted: true });
  slack.addUser({ id: "U0OUTSIDE", name: "outside", realName: "Olga Outside" });
  for (const id of [bruno.id, "U0HELPER", "U0GONE"]) slack.channels.get(supportChannel)?.members.add(id);
  await harness.connectInbox();
  await harness.sms("I need help");
  parent = await harness.waitForParent();
  await waitFor(() => harness.replies(parent.ts).length === 1);
});

afterEach(async () => {
  await harness.stop();
});

const suggest = async (value: string) => {
  const answer = await harness.slack.blockSuggestion(
    harness.slack.buildBlockSuggestion({
      channel: supportChannel,
      messageTs: parent.ts,
      user: agent.id,
      actionId: "threadline.assign",
      value,
    }),
  );
  return (answer.options as { text: { text: string }; value: string }[]).map((o) => o.value);
};

const pick = (value: string, text: string) =>
  harness.slack.blockAction(
    harness.slack.buildExternalSelect({
      channel: supportChannel,
      messageTs: parent.ts,
      user: agent.id,
      actionId: "threadline.assign",
      value,
      text,
    }),
  );

const click = (actionId: "threadline.close" | "threadline.reopen") =>
  harness.slack.blockAction(
    harness.slack.buildButtonClick({
      channel: supportChannel,
      messageTs: parent.ts,
      user: agent.id,
      actionId,
    }),
  );

const current = () => harness.slack.messages.find((m) => m.ts === parent.ts) as StoredMessage;
const parentText = () => JSON.stringify(current().blocks);
const threadLines = () => harness.replies(parent.ts).map((m) => m.text);

describe("the assignment menu", () => {
  it("lists only the channel's humans, with a typed filter", async () => {
    expect(await suggest("")).toEqual([agent.id, bruno.id]);
    expect(await suggest("COST")).toEqual([bruno.id]);
    expect(await suggest("olga")).toEqual([]);
  });
});

describe("assigning", () => {
  it("stores the assignee, shows it on the parent and mentions them in the thread; unassign clears it", async () => {
    await pick(bruno.id, "Bruno");
    await waitFor(() => parentText().includes(`Assigned to <@${bruno.id}>`));
    await waitFor(() =>
      threadLines().includes(`<@${agent.id}> assigned this conversation to <@${bruno.id}>.`),
    );
    expect(await harness.command("status")).toContain("1 open (0 unassigned)");

    expect(await suggest("")).toContain("unassign");
    await pick("unassign", "Unassign");
    await waitFor(() => parentText().includes("Unassigned"));
    await waitFor(() =>
      threadLines().includes(`<@${agent.id}> unassigned this conversation from <@${bruno.id}>.`),
    );
  });

  it("refuses someone who is not in the channel", async () => {
    const answer = await pick("U0OUTSIDE", "Olga");
    expect(answer).toEqual({});
    const refusal = await waitFor(() => harness.slack.responses.find((r) => r.kind === "action"));
    expect(String(refusal.body.text)).toContain("not a member of this channel");
    expect(parentText()).toContain("Unassigned");
  });
});

describe("closing and reopening", () => {
  it("closes with the agent and time on the parent, and a Reopen button", async () => {
    await click("threadline.close");
    await waitFor(() => parentText().includes(`Closed* by <@${agent.id}>`));
    expect(parentText()).toContain("threadline.reopen");
    expect(parentText()).not.toContain("threadline.close");
    await waitFor(() => threadLines().includes(`<@${agent.id}> closed this conversation.`));
    expect(await harness.command("status")).toContain("0 open (0 unassigned), 1 closed");
  });

  it("reopens in the same thread, broadcast to the channel, when the customer writes again", async () => {
    await click("threadline.close");
    await waitFor(() => parentText().includes("threadline.reopen"));
    await harness.sms("One more thing");
    const message = await waitFor(() => harness.replies(parent.ts).find((m) => m.text === "One more thing"));
    expect(message.reply_broadcast).toBe(true);
    await waitFor(() => parentText().includes("threadline.close"));
    expect(parentText()).toContain("Open");
    expect(harness.parents()).toHaveLength(1);
  });

  it("reopens with the Reopen button", async () => {
    await click("threadline.close");
    await waitFor(() => parentText().includes("threadline.reopen"));
    await click("threadline.reopen");
    await waitFor(() => parentText().includes("threadline.close"));
    await waitFor(() => threadLines().includes(`<@${agent.id}> reopened this conversation.`));
  });
});

describe("refusals", () => {
  it("refuses an action on a conversation id that does not exist, and changes nothing", async () => {
    const payload = harness.slack.buildButtonClick({
      channel: supportChannel,
      messageTs: parent.ts,
      user: agent.id,
      actionId: "threadline.close",
    });
    const actions = payload.actions as { block_id: string }[];
    for (const action of actions) action.block_id = "threadline.conversation:999999";
    await harness.slack.blockAction(payload);
    const refusal = await waitFor(() => harness.slack.responses.find((r) => r.kind === "action"));
    expect(String(refusal.body.text)).toContain("no longer exists");
    await harness.idle();
    expect(parentText()).toContain("threadline.close");
    expect(harness.logs.find("action refused")).toBeDefined();
  });

  it("refuses an action coming from another channel", async () => {
    harness.slack.addChannel({
      id: "C0ELSEWHERE",
      name: "elsewhere",
      members: [harness.slack.botUserId, agent.id],
    });
    const payload = harness.slack.buildButtonClick({
      channel: supportChannel,
      messageTs: parent.ts,
      user: agent.id,
      actionId: "threadline.close",
    });
    Object.assign(payload, { channel: { id: "C0ELSEWHERE", name: "elsewhere" } });
    Object.assign(payload.container as object, { channel_id: "C0ELSEWHERE" });
    await harness.slack.blockAction(payload);
    const refusal = await waitFor(() => harness.slack.responses.find((r) => r.kind === "action"));
    expect(String(refusal.body.text)).toContain(`this conversation now lives in <#${supportChannel}>`);
  });
});
