import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, Harness, supportChannel, waitFor } from "./harness.js";

const bruno = { id: "U0BRUNO", name: "bruno", realName: "Bruno Costa", displayName: "Bruno" };
const salesChannel = "C0SALES";
const salesNumber = "+15550002222";
const customers = ["+15557650001", "+15557650002", "+15557650003"] as const;
const hourMs = 3_600_000;

let harness: Harness;
/** How far the app's clock is ahead of the wall clock: waiting times are measured with it. */
let ahead = 0;
let parents: StoredMessage[];

beforeEach(async () => {
  ahead = 0;
  harness = await Harness.start({ overrides: { now: () => Date.now() + ahead } });
  const { slack } = harness;
  slack.addUser(bruno);
  slack.channels.get(supportChannel)?.members.add(bruno.id);
  // A channel the agent is not in: its inbox is not theirs to see.
  slack.addChannel({ id: salesChannel, name: "sales", members: [slack.botUserId, bruno.id] });
  await harness.connectInbox();
  await harness.slack.slashCommand({
    channel_id: salesChannel,
    user_id: bruno.id,
    text: `connect sms ${salesNumber}`,
  });
  for (const from of customers) {
    await harness.sms(`Hello from ${from}`, { from });
    await waitFor(() => harness.parents().length === customers.indexOf(from) + 1);
  }
  await harness.sms("Anyone in sales?", { to: salesNumber, from: "+15557650009" });
  await harness.waitForParent(salesChannel);
  parents = harness.parents();
});

afterEach(async () => {
  await harness.stop();
});

const assign = (parent: StoredMessage, to: string, by = agent.id) =>
  harness.slack.blockAction(
    harness.slack.buildExternalSelect({
      channel: supportChannel,
      messageTs: parent.ts,
      user: by,
      actionId: "threadline.assign",
      value: to,
      text: to,
    }),
  );

const homeOf = (user: string) => harness.slack.homes.get(user);
/** The published home's text, block by block. */
const homeText = (user: string) =>
  ((homeOf(user)?.view.blocks ?? []) as { text?: { text: string }; elements?: { text: string }[] }[])
    .map((block) => block.text?.text ?? block.elements?.map((e) => e.text).join(" ") ?? "")
    .join("\n");
const threadLink = (parent: StoredMessage) =>
  `https://${harness.slack.teamDomain}.slack.com/archives/${supportChannel}/p${parent.ts.replace(".", "")}`;

describe("App Home", () => {
  it("shows the person's open conversations oldest waiting first, the unassigned ones of their inboxes, and counts", async () => {
    const [first, second, third] = parents as [StoredMessage, StoredMessage, StoredMessage];
    await assign(first, agent.id);
    await assign(second, agent.id);
    // The agent answered the first customer: nothing of theirs is waiting any more.
    await harness.reply(first.ts, "On it!");
    await waitFor(() => harness.twilio.sent.length === 1);
    ahead = 2 * hourMs;

    await harness.slack.openHome(agent.id);
    const home = await waitFor(() => homeOf(agent.id));
    expect(home.view.type).toBe("home");
    const text = homeText(agent.id);
    expect(text).toContain("*2* open assigned to you  ·  *1* unassigned in your inboxes  ·  *0* reminders");
    // Oldest waiting first: the second customer waits (two hours, on the app's clock); the first was answered.
    const secondAt = text.indexOf(threadLink(second));
    const firstAt = text.indexOf(threadLink(first));
    expect(secondAt).toBeGreaterThan(-1);
    expect(firstAt).toBeGreaterThan(secondAt);
    expect(text).toMatch(/\+1 555 765 0002\*> · SMS\nwaiting 2 h 0\d min/);
    expect(text).toMatch(/\+1 555 765 0001\*> · SMS\nanswered, nothing waiting/);
    // Unassigned, in the inboxes of channels the agent is in: not the sales inbox.
    expect(text).toContain(`*SMS +1 555 000 1111* in <#${supportChannel}> — 1 unassigned`);
    expect(text).toContain(threadLink(third));
    expect(text).not.toContain(salesChannel);
    expect(harness.logs.find("App Home published")).toMatchObject({ user: agent.id, assigned: 2 });
  });

  it("is published again when the person's assignments change, if they opened it recently", async () => {
    const [first, , third] = parents as [StoredMessage, StoredMessage, StoredMessage];
    await harness.slack.openHome(agent.id);
    const before = await waitFor(() => homeOf(agent.id));
    expect(before.version).toBe(1);
    expect(homeText(agent.id)).toContain("*0* open assigned to you");

    // Bruno gives the agent a conversation: the agent's open home follows.
    await assign(third, agent.id, bruno.id);
    await waitFor(() => homeText(agent.id).includes("*1* open assigned to you"));
    expect(homeOf(agent.id)?.version).toBe(2);
    // Closing it takes it off again.
    await harness.slack.blockAction(
      harness.slack.buildButtonClick({
        channel: supportChannel,
        messageTs: third.ts,
        user: bruno.id,
        actionId: "threadline.close",
      }),
    );
    await waitFor(() => homeText(agent.id).includes("*0* open assigned to you"));

    // Bruno never opened his home: assigning him publishes nothing.
    await assign(first, bruno.id);
    await waitFor(() =>
      harness.replies(first.ts).some((m) => m.text.includes(`assigned this conversation to <@${bruno.id}>`)),
    );
    expect(homeOf(bruno.id)).toBeUndefined();
  });

  it("is not refreshed once the person's visit is older than the refresh window", async () => {
    await harness.slack.openHome(agent.id);
    await waitFor(() => homeOf(agent.id));
    ahead = 16 * 60_000;
    await assign(parents[0] as StoredMessage, agent.id);
    await waitFor(() => harness.logs.find("conversation assigned"));
    await harness.slack.openHome(bruno.id);
    await waitFor(() => homeOf(bruno.id));
    expect(homeOf(agent.id)?.version).toBe(1);
  });

  it("publishes nothing when the Messages tab is opened, and logs a home that Slack refuses", async () => {
    await harness.slack.openHome(agent.id, "messages");
    expect(homeOf(agent.id)).toBeUndefined();

    harness.slack.failNext("views.publish", { error: "internal_error" });
    await harness.slack.openHome(agent.id);
    await waitFor(() => harness.logs.find("could not publish App Home"));
    expect(homeOf(agent.id)).toBeUndefined();
    await harness.slack.openHome(agent.id);
    await waitFor(() => homeOf(agent.id));
  });
});
