import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, Harness, supportChannel, waitFor } from "./harness.js";

const bruno = { id: "U0BRUNO", name: "bruno", realName: "Bruno Costa", displayName: "Bruno" };
const helperBot = "U0HELPER";
const outsider = "U0OUTSIDE";

let harness: Harness;
let parent: StoredMessage;

beforeEach(async () => {
  harness = await Harness.start();
  const { slack } = harness;
  slack.addUser(bruno);
  slack.addUser({ id: helperBot, name: "helper", realName: "Helper Bot", isBot: true });
  slack.addUser({ id: outsider, name: "outside", realName: "Olga Outside" });
  for (const id of [bruno.id, helperBot]) slack.channels.get(supportChannel)?.members.add(id);
  await harness.connectInbox();
  await harness.sms("I need help");
  parent = await harness.waitForParent();
  await waitFor(() => harness.replies(parent.ts).length === 1);
});

afterEach(async () => {
  await harness.stop();
});

const react = (user: string, name: string, ts = parent.ts) =>
  harness.slack.react({ channel: supportChannel, ts, user, name });
const parentText = () => JSON.stringify(harness.slack.messages.find((m) => m.ts === parent.ts)?.blocks);
const threadLines = () => harness.replies(parent.ts).map((m) => m.text);

describe("reactions as triage", () => {
  it("👀 assigns the conversation to whoever reacted, ✅ closes it, each with the buttons' thread line", async () => {
    await react(bruno.id, "eyes");
    await waitFor(() => parentText().includes(`Assigned to <@${bruno.id}>`));
    await waitFor(() =>
      threadLines().includes(`<@${bruno.id}> assigned this conversation to <@${bruno.id}>.`),
    );

    // A skin tone is the same reaction; the agent takes it over.
    await react(agent.id, "eyes::skin-tone-3");
    await waitFor(() => parentText().includes(`Assigned to <@${agent.id}>`));

    await react(agent.id, "white_check_mark");
    await waitFor(() => parentText().includes("Closed"));
    await waitFor(() => threadLines().includes(`<@${agent.id}> closed this conversation.`));
    expect(await harness.command("status")).toContain("0 open");
  });

  it("removing ✅ does not reopen (Reopen is the button)", async () => {
    await react(agent.id, "white_check_mark");
    await waitFor(() => threadLines().includes(`<@${agent.id}> closed this conversation.`));
    const lines = threadLines().length;
    const envelope = await harness.slack.unreact({
      channel: supportChannel,
      ts: parent.ts,
      user: agent.id,
      name: "white_check_mark",
    });
    expect(envelope).not.toBeNull();
    // The event was delivered and acknowledged; a later event proves the app had time to act on it.
    await react(agent.id, "thumbsup");
    expect(parentText()).toContain("Closed");
    expect(threadLines()).toHaveLength(lines);
  });

  it("ignores bots, people outside the channel, other emoji and messages other than the parent", async () => {
    await react(helperBot, "eyes");
    await waitFor(() => harness.logs.find("triage reaction ignored: not from a person in the channel"));
    await react(outsider, "white_check_mark");
    await waitFor(
      () =>
        harness.logs.lines.filter(
          (l) => l.msg === "triage reaction ignored: not from a person in the channel",
        ).length === 2,
    );
    await react(agent.id, "thumbsup");
    const customerMessage = harness.replies(parent.ts)[0] as StoredMessage;
    await react(agent.id, "white_check_mark", customerMessage.ts);
    expect(parentText()).toContain("Unassigned");
    expect(parentText()).not.toContain("Closed");
    expect(threadLines()).toEqual(["I need help"]);
  });

  it("on a thread its inbox has left, changes nothing and tells the person why, just to them", async () => {
    harness.slack.addChannel({ id: "C0NEW", name: "new-home", members: [harness.slack.botUserId, agent.id] });
    await harness.moveInbox("C0NEW");
    await react(agent.id, "white_check_mark");
    const notice = await waitFor(() =>
      harness.slack.ephemerals.find((e) => e.via === "chat.postEphemeral" && e.user === agent.id),
    );
    expect(notice).toMatchObject({ channel: supportChannel, thread_ts: parent.ts });
    expect(notice.text).toContain("Nothing was changed: this conversation now lives in <#C0NEW>");
    expect(harness.logs.find("triage reaction refused")).toMatchObject({ user: agent.id });
    expect(parentText()).not.toContain("Closed");
  });
});
