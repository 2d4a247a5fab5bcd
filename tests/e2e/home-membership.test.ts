import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, Harness, supportChannel, waitFor } from "./harness.js";

/*
 * Nobody sees what isn't theirs: App Home lists only conversations whose inbox is connected now to a channel
 * the viewer is in, and an assignee who is no longer in the conversation's channel loses the assignment, with
 * a line in the thread saying so.
 */

const bruno = { id: "U0BRUNO", name: "bruno", realName: "Bruno Costa", displayName: "Bruno" };
const vipChannel = "C0VIP";
/** How the customer's number reads in Slack. */
const shownCustomer = "+1 555 765 4321";

let harness: Harness;
let parent: StoredMessage;

beforeEach(async () => {
  harness = await Harness.start();
  const { slack } = harness;
  slack.addUser(bruno);
  slack.channels.get(supportChannel)?.members.add(bruno.id);
  slack.addChannel({ id: vipChannel, name: "vip", members: [slack.botUserId, bruno.id] });
  await harness.connectInbox();
  await harness.sms("Where is my order?");
  parent = await harness.waitForParent();
});

afterEach(async () => {
  await harness.stop();
});

const assignToAgent = () =>
  harness.slack.blockAction(
    harness.slack.buildExternalSelect({
      channel: supportChannel,
      messageTs: parent.ts,
      user: bruno.id,
      actionId: "threadline.assign",
      value: agent.id,
      text: agent.displayName,
    }),
  );

const homeText = (user: string) =>
  (
    (harness.slack.homes.get(user)?.view.blocks ?? []) as {
      text?: { text: string };
      elements?: { text: string }[];
    }[]
  )
    .map((block) => block.text?.text ?? block.elements?.map((e) => e.text).join(" ") ?? "")
    .join("\n");

/** Opens the person's home and resolves with its text once the published version is newer than before. */
async function openHome(user: string): Promise<string> {
  const before = harness.slack.homes.get(user)?.version ?? 0;
  await harness.slack.openHome(user);
  await waitFor(() => (harness.slack.homes.get(user)?.version ?? 0) > before);
  return homeText(user);
}

const unassignedLine = (channel: string) =>
  `<@${agent.id}> is no longer a member of <#${channel}>, so this conversation is no longer assigned to them.`;

/** The parent message as Slack shows it now, as text. */
const parentText = () => JSON.stringify(harness.slack.messages.find((m) => m.ts === parent.ts)?.blocks);

describe("an assignee who is no longer in the conversation's channel", () => {
  it("is unassigned when removed from the channel, the thread says so, and their home no longer shows the customer after the inbox moves", async () => {
    await assignToAgent();
    await waitFor(() => harness.logs.find("conversation assigned"));
    expect(await openHome(agent.id)).toContain(shownCustomer);

    await harness.slack.leaveChannel({ channel: supportChannel, user: agent.id });
    await waitFor(() => harness.replies(parent.ts).find((m) => m.text === unassignedLine(supportChannel)));
    expect(harness.logs.find("conversation unassigned: the assignee is not in its channel")).toMatchObject({
      assignee: agent.id,
      trigger: "member_left_channel",
    });
    // The parent shows nobody assigned any more.
    await waitFor(() => parentText().includes("Unassigned"));

    expect(await harness.moveInbox(vipChannel, undefined, bruno.id)).toContain("Moved");
    const home = await openHome(agent.id);
    expect(home).toContain("*0* open assigned to you");
    expect(home).not.toContain(shownCustomer);
    expect(home).not.toContain(vipChannel);
  });

  it("is unassigned when the inbox moves to a channel they are not in, and the customer leaves their home", async () => {
    await assignToAgent();
    await waitFor(() => harness.logs.find("conversation assigned"));
    // #vip has an inbox already, so its members are loaded: only the move itself can find the agent missing.
    await harness.slack.slashCommand({
      channel_id: vipChannel,
      user_id: bruno.id,
      text: "connect sms +15550002222",
    });
    await waitFor(() => harness.logs.find("inbox connected"));
    // The agent is still in #support but not in #vip, where the conversation now lives.
    expect(await harness.moveInbox(vipChannel, undefined, bruno.id)).toContain("Moved");
    await waitFor(() => harness.replies(parent.ts).find((m) => m.text === unassignedLine(vipChannel)));
    expect(harness.logs.find("conversation unassigned: the assignee is not in its channel")).toMatchObject({
      trigger: "inbox connected",
    });
    const home = await openHome(agent.id);
    expect(home).toContain("*0* open assigned to you");
    expect(home).not.toContain(shownCustomer);
  });

  it("keeps the assignment when the inbox moves to a channel they are also in", async () => {
    harness.slack.channels.get(vipChannel)?.members.add(agent.id);
    await assignToAgent();
    await waitFor(() => harness.logs.find("conversation assigned"));
    expect(await harness.moveInbox(vipChannel, undefined, bruno.id)).toContain("Moved");
    // The customer writes again: the conversation goes on in #vip, still the agent's.
    await harness.sms("Any news?");
    const vipParent = await harness.waitForParent(vipChannel);
    expect(JSON.stringify(vipParent.blocks)).toContain(agent.id);
    expect(harness.logs.find("conversation unassigned: the assignee is not in its channel")).toBeUndefined();
    expect(await openHome(agent.id)).toContain("*1* open assigned to you");
  });

  it("is found out when the channel's members are reloaded after a missed leave event", async () => {
    await assignToAgent();
    await waitFor(() => harness.logs.find("conversation assigned"));
    // Removed while the app heard nothing: no member_left_channel.
    harness.slack.channels.get(supportChannel)?.members.delete(agent.id);
    const connections = harness.slack.connectionCount;
    harness.slack.dropConnection();
    await harness.slack.waitForConnection(connections + 1);
    await waitFor(() => harness.replies(parent.ts).find((m) => m.text === unassignedLine(supportChannel)));
    expect(harness.logs.find("conversation unassigned: the assignee is not in its channel")).toMatchObject({
      trigger: "members reloaded",
    });
    expect(await openHome(agent.id)).not.toContain(shownCustomer);
  });
});

describe("App Home", () => {
  it("does not list the reminders or the unassigned queue of a channel the person left", async () => {
    await harness.slack.blockAction(
      harness.slack.buildOverflowChoice({
        channel: supportChannel,
        messageTs: parent.ts,
        user: agent.id,
        actionId: "threadline.remind",
        value: "in1h",
      }),
    );
    await waitFor(() => harness.logs.find("reminder scheduled"));
    const before = await openHome(agent.id);
    expect(before).toContain("*1* reminder");
    expect(before).toContain(shownCustomer);

    await harness.slack.leaveChannel({ channel: supportChannel, user: agent.id });
    await waitFor(async () => !(await openHome(agent.id)).includes(shownCustomer));
    const after = homeText(agent.id);
    expect(after).toContain("*0* reminders");
    expect(after).not.toContain(supportChannel);
  });
});
