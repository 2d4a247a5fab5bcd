import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, Harness, supportChannel, waitFor } from "./harness.js";

let harness: Harness;

const bruno = { id: "U0BRUNO", name: "bruno", realName: "Bruno Costa", displayName: "Bruno" };
const carla = { id: "U0CARLA", name: "carla", realName: "Carla Dias", displayName: "Carla" };

beforeEach(async () => {
  harness = await Harness.start();
  for (const person of [bruno, carla]) {
    harness.slack.addUser(person);
    harness.slack.channels.get(supportChannel)?.members.add(person.id);
  }
  harness.slack.addUser({ id: "U0OUTSIDE", name: "olga", realName: "Olga Outside" });
  await harness.connectInbox();
});

afterEach(async () => {
  await harness.stop();
});

const commandAs = async (user: string, text: string) =>
  String((await harness.slack.slashCommand({ channel_id: supportChannel, user_id: user, text })).text ?? "");

/** A customer writes from `from`; resolves with their conversation's parent once it shows an assignee. */
async function customerWrites(from: string, text = "Hello"): Promise<StoredMessage> {
  const before = new Set(harness.parents().map((parent) => parent.ts));
  await harness.sms(text, { from });
  return waitFor(() => harness.parents().find((parent) => !before.has(parent.ts)));
}

const parentNow = (parent: StoredMessage) =>
  JSON.stringify(harness.slack.messages.find((message) => message.ts === parent.ts)?.blocks);
const assignedTo = (parent: StoredMessage, user: string) =>
  waitFor(() => parentNow(parent).includes(`Assigned to <@${user}>`));
const threadLines = (parent: StoredMessage) => harness.replies(parent.ts).map((message) => message.text);

describe("automatic assignment", () => {
  it("assigns each new conversation to the fewest open, ties in turn, and says so in the thread", async () => {
    expect(await harness.command("autoassign")).toContain("*Automatic assignment:* off");
    // Handles as Slack sends them without escaping, and a mention as it sends them with it.
    const saved = await harness.command(`autoassign @bruno <@${carla.id}|carla>`);
    expect(saved).toContain("Saved. *Automatic assignment:* on");
    expect(saved).toContain(`<@${bruno.id}>, <@${carla.id}>`);

    const first = await customerWrites("+15557000001");
    await assignedTo(first, bruno.id);
    await waitFor(() =>
      threadLines(first).includes(
        `🔄 Assigned automatically to <@${bruno.id}> (fewest open conversations in this channel's rotation).`,
      ),
    );
    const second = await customerWrites("+15557000002");
    await assignedTo(second, carla.id);
    // One each: tied, so the turn after Carla's is Bruno's.
    const third = await customerWrites("+15557000003");
    await assignedTo(third, bruno.id);
    // Bruno has two, Carla one: Carla, whatever the turn.
    const fourth = await customerWrites("+15557000004");
    await assignedTo(fourth, carla.id);
    expect(await harness.command("status")).toContain("4 open (0 unassigned)");
    expect(harness.logs.find("conversation assigned automatically")).toMatchObject({ assigneeId: bruno.id });
  });

  it("assigns with the parent's update in one commit: when that can't be written, the next message assigns it", async () => {
    await harness.command(`autoassign <@${bruno.id}>`);
    // A failure between the assignment and its jobs: the database refuses the rotation's line, as a full disk would.
    const db = new Database(harness.databaseUrl.slice("file:".length));
    db.exec(`CREATE TRIGGER "refuse_rotation_line" BEFORE INSERT ON "DeliveryJob"
      WHEN NEW."kind" = 'slack.notice' AND NEW."payload" LIKE '%Assigned automatically%'
      BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const parent = await customerWrites("+15557000001");
    await waitFor(() =>
      harness.logs.find("automatic assignment failed; the next customer message tries again"),
    );
    // Not assigned behind a parent that says "Unassigned": left for the next message.
    expect(await harness.command("status")).toContain("1 open (1 unassigned)");
    expect(parentNow(parent)).toContain("Unassigned");
    db.exec(`DROP TRIGGER "refuse_rotation_line"`);
    db.close();

    await harness.sms("Anyone there?", { from: "+15557000001" });
    await assignedTo(parent, bruno.id);
    await waitFor(() => threadLines(parent).some((line) => line.startsWith("🔄 Assigned automatically")));
    expect(await harness.command("status")).toContain("1 open (0 unassigned)");
  });

  it("assigns a customer's new message to an unassigned conversation, and stops when turned off", async () => {
    const early = await customerWrites("+15557000001");
    await waitFor(() => threadLines(early).length === 1);
    expect(parentNow(early)).toContain("Unassigned");
    expect(await harness.command("autoassign channel")).toContain("everyone in this channel");
    await harness.sms("Anyone there?", { from: "+15557000001" });
    // Everyone in the channel, in id order: Ana (U0AGENT) first.
    await assignedTo(early, agent.id);

    expect(await harness.command("autoassign off")).toContain("*Automatic assignment:* off");
    const later = await customerWrites("+15557000002");
    await waitFor(() => threadLines(later).length === 1);
    await harness.idle();
    expect(parentNow(later)).toContain("Unassigned");
  });

  it("skips a paused person, shows the pause on their App Home, and takes them back on resume", async () => {
    await harness.command("autoassign @bruno @carla");
    expect(await commandAs(carla.id, "pause")).toContain("Paused: no conversation is assigned to you");
    expect(await commandAs(carla.id, "pause")).toContain("already paused");
    expect(await harness.command("autoassign")).toContain(`Paused: <@${carla.id}>`);
    await harness.slack.openHome(carla.id);
    const homeText = () => JSON.stringify(harness.slack.homes.get(carla.id)?.view.blocks ?? []);
    await waitFor(() => homeText().includes("⏸️ *Paused:*"));

    const first = await customerWrites("+15557000001");
    await assignedTo(first, bruno.id);
    const second = await customerWrites("+15557000002");
    await assignedTo(second, bruno.id);

    expect(await commandAs(carla.id, "resume")).toContain("Resumed");
    await waitFor(() => !homeText().includes("⏸️ *Paused:*"));
    const third = await customerWrites("+15557000003");
    await assignedTo(third, carla.id);
    expect(await commandAs(carla.id, "resume")).toContain("You are not paused");
  });

  it("refuses unknown people, extra words and people outside the channel, changing nothing", async () => {
    expect(await harness.command("autoassign @bruno @zed")).toContain(
      "I can't find `@zed` among the people in this channel, so nothing changed.",
    );
    expect(await harness.command("autoassign @olga")).toContain("I can't find `@olga`");
    expect(await harness.command("pause now")).toContain("`pause` takes no arguments");
    expect(await commandAs("U0OUTSIDE", "autoassign channel")).toContain(
      `Only members of <#${supportChannel}> can change automatic assignment`,
    );
    expect(await harness.command("autoassign")).toContain("*Automatic assignment:* off");
    expect(harness.logs.find("automatic assignment change refused")).toMatchObject({ userId: "U0OUTSIDE" });
  });
});

describe("automatic assignment with admins", () => {
  it("lets only an admin change the rotation, and only of a channel with an inbox", async () => {
    await harness.stop();
    harness = await Harness.start({ environment: { THREADLINE_ADMINS: bruno.id } });
    harness.slack.addUser(bruno);
    harness.slack.channels.get(supportChannel)?.members.add(bruno.id);
    expect(await harness.command("autoassign channel")).toContain(
      "Only a Threadline admin can change automatic assignment",
    );
    expect(await commandAs(bruno.id, "autoassign channel")).toContain("Nothing is connected to this channel");
    expect(await commandAs(bruno.id, "connect sms +15550001111")).toContain("Connected");
    expect(await commandAs(bruno.id, "autoassign channel")).toContain("Saved.");
  });
});
