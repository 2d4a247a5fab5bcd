import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, Harness, supportChannel, waitFor } from "./harness.js";

/*
 * Nobody does what isn't theirs: every control on a conversation (Assign, Close, Reopen, Remind me, the
 * assignment menu, the "Move it here" button) is refused to someone who is not a member of the conversation's
 * channel — as a public channel lets anyone in the workspace look in and click. The refusal is an answer just
 * to them and a log line, and nothing changes.
 */

const outsider = { id: "U0OUTSIDE", name: "olga", realName: "Olga Outside", displayName: "Olga" };
const vipChannel = "C0VIP";

let harness: Harness;
let parent: StoredMessage;

beforeEach(async () => {
  harness = await Harness.start();
  harness.slack.addUser(outsider);
  await harness.connectInbox();
  await harness.sms("I need help");
  parent = await harness.waitForParent();
  await waitFor(() => harness.replies(parent.ts).length === 1);
});

afterEach(async () => {
  await harness.stop();
});

const interaction = (user: string) => ({ channel: supportChannel, messageTs: parent.ts, user });

/** `user` acts on the parent; resolves with the answer Slack shows only to them. */
async function act(payload: Record<string, unknown>): Promise<string> {
  const before = harness.slack.responses.length;
  await harness.slack.blockAction(payload);
  const answer = await waitFor(() => harness.slack.responses[before]);
  expect(answer.body.response_type).toBe("ephemeral");
  return String(answer.body.text);
}

const click = (user: string, actionId: "threadline.close" | "threadline.reopen") =>
  act(harness.slack.buildButtonClick({ ...interaction(user), actionId }));

const parentText = () => JSON.stringify(harness.slack.messages.find((m) => m.ts === parent.ts)?.blocks);
const threadLines = () => harness.replies(parent.ts).map((m) => m.text);

const refusal = `Only members of <#${supportChannel}> can assign, close or reopen its conversations; join the channel first. Nothing was changed.`;

describe("a person who is not in the conversation's channel", () => {
  it("can't close, reopen or assign it, and is told why", async () => {
    expect(await click(outsider.id, "threadline.close")).toBe(refusal);
    expect(
      await act(
        harness.slack.buildExternalSelect({
          ...interaction(outsider.id),
          actionId: "threadline.assign",
          value: agent.id,
          text: agent.displayName,
        }),
      ),
    ).toBe(refusal);
    expect(harness.logs.find("action refused")).toMatchObject({
      userId: outsider.id,
      action: "threadline.close",
      reason: refusal,
    });

    // A member closes it: the only line in the thread is theirs, and the outsider can't reopen it either.
    await harness.slack.blockAction(
      harness.slack.buildButtonClick({ ...interaction(agent.id), actionId: "threadline.close" }),
    );
    await waitFor(() => threadLines().includes(`<@${agent.id}> closed this conversation.`));
    expect(await click(outsider.id, "threadline.reopen")).toBe(refusal);
    expect(threadLines().slice(1)).toEqual([`<@${agent.id}> closed this conversation.`]);
    expect(harness.logs.lines.filter((l) => l.msg === "conversation assigned")).toEqual([]);
    expect(harness.logs.lines.filter((l) => l.msg === "conversation reopened")).toEqual([]);
    expect(parentText()).toContain("Unassigned");
  });

  it("gets an empty assignment menu, logged", async () => {
    const answer = await harness.slack.blockSuggestion(
      harness.slack.buildBlockSuggestion({
        ...interaction(outsider.id),
        actionId: "threadline.assign",
        value: "",
      }),
    );
    expect(answer.options).toEqual([]);
    expect(harness.logs.find("assignment menu left empty")).toMatchObject({ user: outsider.id });
    // A member gets the channel's people.
    const members = await harness.slack.blockSuggestion(
      harness.slack.buildBlockSuggestion({
        ...interaction(agent.id),
        actionId: "threadline.assign",
        value: "",
      }),
    );
    expect((members.options as { value: string }[]).map((o) => o.value)).toEqual([agent.id]);
  });

  it("can't set a reminder on it", async () => {
    const answer = await act(
      harness.slack.buildOverflowChoice({
        ...interaction(outsider.id),
        actionId: "threadline.remind",
        value: "in1h",
      }),
    );
    expect(answer).toBe(
      `Only members of <#${supportChannel}> can set reminders on its conversations; join the channel first. No reminder was set.`,
    );
    expect(harness.logs.find("reminder refused")).toMatchObject({ user: outsider.id });
    expect(harness.logs.find("reminder scheduled")).toBeUndefined();
  });

  it("can't move an inbox into a channel they are not in", async () => {
    harness.slack.addChannel({ id: vipChannel, name: "vip", members: [harness.slack.botUserId] });
    const answer = await harness.moveInbox(vipChannel, undefined, outsider.id);
    expect(answer).toBe(
      `Only members of <#${vipChannel}> can move an inbox into it; join the channel first. Nothing was moved.`,
    );
    expect(harness.logs.find("inbox move refused")).toMatchObject({ userId: outsider.id });
    expect(await harness.command("status")).toContain("SMS");
  });

  it("is refused, not guessed, when Slack can't say who is in the channel", async () => {
    // A channel whose members were never loaded, and Slack failing when asked.
    harness.slack.addChannel({ id: vipChannel, name: "vip", members: [harness.slack.botUserId, agent.id] });
    await harness.slack.slashCommand({
      channel_id: vipChannel,
      user_id: agent.id,
      text: "connect sms +15550002222",
    });
    await harness.sms("Hello VIP", { to: "+15550002222" });
    const vipParent = await harness.waitForParent(vipChannel);
    // After a restart nothing is in memory, and every members list Slack is asked for fails.
    harness.slack.failNext("conversations.members", { error: "internal_error", times: 1000 });
    await harness.restart();
    const answer = await act(
      harness.slack.buildButtonClick({
        channel: vipChannel,
        messageTs: vipParent.ts,
        user: agent.id,
        actionId: "threadline.close",
      }),
    );
    expect(answer).toContain(`I couldn't check that you are a member of <#${vipChannel}>`);
    expect(harness.logs.find("could not read the channel's members to check who acted")).toBeDefined();
    expect(harness.logs.find("conversation closed")).toBeUndefined();
  });
});
