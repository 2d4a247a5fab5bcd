import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, Harness, supportChannel, waitFor } from "./harness.js";

/*
 * The assignment menu warm and fresh: the channel's members and names are loaded when the channel is
 * connected (and at start), then kept current by Slack's membership and user events, so the menu answers
 * from memory without asking Slack again and never shows who has left or an old name.
 */

let harness: Harness;

const bruno = { id: "U0BRUNO", name: "bruno", realName: "Bruno Costa", displayName: "Bruno" };
const carla = { id: "U0CARLA", name: "carla", realName: "Carla Dias", displayName: "Carla" };
const directoryMethods = new Set(["users.list", "conversations.members", "users.info"]);

beforeEach(async () => {
  harness = await Harness.start();
  harness.slack.addUser(bruno);
  harness.slack.addUser(carla);
  harness.slack.channels.get(supportChannel)?.members.add(bruno.id);
});

afterEach(async () => {
  await harness.stop();
});

/** Calls that load members or names, made since `from` (an index into the fake's call log). */
const directoryCalls = (from = 0) =>
  harness.slack.calls.slice(from).filter((call) => directoryMethods.has(call.method));

const loaded = (from = 0) => {
  const methods = directoryCalls(from).map((call) => call.method);
  return methods.includes("users.list") && methods.includes("conversations.members");
};

async function threadParent(): Promise<StoredMessage> {
  await harness.sms("I need help");
  return harness.waitForParent();
}

async function menu(parent: StoredMessage, value = ""): Promise<{ label: string; value: string }[]> {
  const answer = await harness.slack.blockSuggestion(
    harness.slack.buildBlockSuggestion({
      channel: supportChannel,
      messageTs: parent.ts,
      user: agent.id,
      actionId: "threadline.assign",
      value,
    }),
  );
  return (answer.options as { text: { text: string }; value: string }[]).map((option) => ({
    label: option.text.text,
    value: option.value,
  }));
}

const ids = async (parent: StoredMessage, value = "") => (await menu(parent, value)).map((o) => o.value);

describe("warming", () => {
  it("loads the channel's members and names when the channel is connected, before any menu is opened", async () => {
    expect(directoryCalls()).toEqual([]);
    await harness.connectInbox();
    await waitFor(() => loaded());
    const parent = await threadParent();
    const before = harness.slack.calls.length;
    expect(await ids(parent)).toEqual([agent.id, bruno.id]);
    expect(await ids(parent, "cost")).toEqual([bruno.id]);
    expect(directoryCalls(before)).toEqual([]);
  });

  it("loads every connected channel's members at start", async () => {
    await harness.connectInbox();
    const parent = await threadParent();
    const beforeRestart = harness.slack.calls.length;
    await harness.restart();
    await waitFor(() => loaded(beforeRestart));
    const members = directoryCalls(beforeRestart).filter((c) => c.method === "conversations.members");
    expect(members.map((call) => call.args.channel)).toEqual([supportChannel]);
    const before = harness.slack.calls.length;
    expect(await ids(parent)).toEqual([agent.id, bruno.id]);
    expect(directoryCalls(before)).toEqual([]);
  });

  it("asks Slack for its largest pages and follows them all", async () => {
    harness.slack.maxPageSize = 100;
    for (let i = 0; i < 250; i++) {
      const id = `U1${String(i).padStart(6, "0")}`;
      harness.slack.addUser({ id, name: `member${i}`, realName: `Zed Member ${i}` });
      harness.slack.channels.get(supportChannel)?.members.add(id);
    }
    await harness.connectInbox();
    const parent = await threadParent();
    expect(await ids(parent, "member 249")).toEqual(["U1000249"]);
    expect(await ids(parent)).toHaveLength(100);
    const pages = directoryCalls().filter((c) => c.method === "conversations.members");
    expect(pages.length).toBeGreaterThan(2);
    expect(directoryCalls().every((call) => Number(call.args.limit) === 1000)).toBe(true);
  });
});

describe("kept current by events", () => {
  let parent: StoredMessage;
  let before: number;

  beforeEach(async () => {
    await harness.connectInbox();
    parent = await threadParent();
    expect(await ids(parent)).toEqual([agent.id, bruno.id]);
    before = harness.slack.calls.length;
  });

  it("shows someone who joins the channel at once", async () => {
    await harness.slack.joinChannel({ channel: supportChannel, user: carla.id, inviter: agent.id });
    expect(await ids(parent)).toEqual([agent.id, bruno.id, carla.id]);
    expect(directoryCalls(before)).toEqual([]);
  });

  it("drops someone who leaves the channel at once", async () => {
    await harness.slack.leaveChannel({ channel: supportChannel, user: bruno.id });
    expect(await ids(parent)).toEqual([agent.id]);
    expect(directoryCalls(before)).toEqual([]);
  });

  it("shows a new name at once", async () => {
    await harness.slack.updateUser(bruno.id, { displayName: "Bea", realName: "Beatriz Costa" });
    expect(await menu(parent)).toEqual([
      { label: "Ana (Ana Alves)", value: agent.id },
      { label: "Bea (Beatriz Costa)", value: bruno.id },
    ]);
    expect(await ids(parent, "beatriz")).toEqual([bruno.id]);
    expect(await ids(parent, "bruno costa")).toEqual([]);
    expect(directoryCalls(before)).toEqual([]);
  });

  it("drops a deactivated account and someone who became a bot", async () => {
    await harness.slack.joinChannel({ channel: supportChannel, user: carla.id });
    await harness.slack.updateUser(bruno.id, { deleted: true });
    await harness.slack.updateUser(carla.id, { isBot: true });
    expect(await ids(parent)).toEqual([agent.id]);
    expect(directoryCalls(before)).toEqual([]);
  });

  it("shows someone new to the workspace who joins the channel", async () => {
    await harness.slack.joinTeam({ id: "U0DORA", name: "dora", realName: "Dora Eça" });
    await harness.slack.joinChannel({ channel: supportChannel, user: "U0DORA" });
    expect(await ids(parent, "dora")).toEqual(["U0DORA"]);
    expect(directoryCalls(before)).toEqual([]);
  });

  it("looks up a newcomer whose team_join it never heard", async () => {
    harness.slack.addUser({ id: "U0EVA", name: "eva", realName: "Eva Faria" });
    await harness.slack.joinChannel({ channel: supportChannel, user: "U0EVA" });
    await waitFor(async () => (await ids(parent, "eva")).includes("U0EVA"));
    expect(directoryCalls(before).map((call) => call.method)).toEqual(["users.info"]);
  });

  it("reloads after the socket reconnects, since events may have been missed meanwhile", async () => {
    const connections = harness.slack.connectionCount;
    harness.slack.dropConnection();
    // Changes Slack had no connection to tell the app about.
    harness.slack.channels.get(supportChannel)?.members.add(carla.id);
    const gone = harness.slack.users.get(bruno.id);
    if (gone) gone.deleted = true;
    await harness.slack.waitForConnection(connections + 1, { timeoutMs: 20_000 });
    await waitFor(() => loaded(before));
    await waitFor(async () => (await ids(parent)).join() === [agent.id, carla.id].join());
  }, 30_000);

  it("ignores a membership event without a channel, with a log line, and keeps answering", async () => {
    await harness.slack.sendEvent({ type: "member_joined_channel", user: carla.id });
    await harness.slack.sendEvent({ type: "user_change", user: { name: "nobody" } });
    expect(harness.logs.find("member_joined_channel without a user or channel; ignored")).toBeDefined();
    expect(harness.logs.find("user event without a user id; ignored")).toBeDefined();
    expect(await ids(parent)).toEqual([agent.id, bruno.id]);
  });
});
