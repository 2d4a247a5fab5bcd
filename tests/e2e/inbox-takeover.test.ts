import { afterEach, describe, expect, it } from "vitest";
import type { Ephemeral } from "../../src/simulators/slack/types.js";
import { agent, Harness, inboxNumber, supportChannel, waitFor } from "./harness.js";

const second = "C0SECOND";
const third = "C0THIRD";
const mallory = { id: "U0MALLORY", name: "mallory" };
const boss = { id: "U0BOSS", name: "boss" };
const moveActionId = "threadline.moveInbox";

let harness: Harness;

afterEach(async () => {
  await harness.stop();
});

async function start(environment: Record<string, string> = {}): Promise<void> {
  harness = await Harness.start({ environment });
  for (const user of [mallory, boss]) harness.slack.addUser(user);
  for (const [id, name] of [
    [second, "second"],
    [third, "third"],
  ] as const) {
    harness.slack.addChannel({
      id,
      name,
      members: [harness.slack.botUserId, agent.id, mallory.id, boss.id],
    });
  }
}

/** `/threadline <text>` typed by `user` in `channel`: the ack's text, and the ephemeral Slack showed them. */
async function command(text: string, channel: string, user: string) {
  const ack = await harness.slack.slashCommand({ channel_id: channel, user_id: user, text });
  const shown = harness.slack.ephemerals.findLast((e) => e.channel === channel && e.via === "command_ack");
  return { text: String(ack.text ?? ""), shown: shown as Ephemeral };
}

async function click(shown: Ephemeral, change: (payload: Record<string, unknown>) => void = () => {}) {
  const payload = harness.slack.buildEphemeralButtonClick({ ephemeral: shown, actionId: moveActionId });
  change(payload);
  await harness.slack.blockAction(payload);
  return waitFor(() => !shown.blocks && shown.text);
}

const channelNotices = (channel: string) =>
  harness.slack.topLevelMessages(channel).filter((m) => m.user === harness.slack.botUserId && !m.blocks);

describe("connecting a number another channel has", () => {
  it("does not move it: the answer names the channel that has it and offers a Move it here button", async () => {
    await start();
    await harness.connectInbox();
    const offer = await command(`connect sms ${inboxNumber}`, second, mallory.id);
    expect(offer.text).toContain(`SMS +1 555 000 1111 is connected to <#${supportChannel}>`);
    expect(offer.text).toContain(`by <@${agent.id}>`);
    expect(offer.text).toContain("nothing changed");
    expect(JSON.stringify(offer.shown.blocks)).toContain('"text":"Move it here"');
    expect(offer.shown.user).toBe(mallory.id);

    expect(await harness.command("status", supportChannel)).toContain("SMS +1 555 000 1111");
    expect(await harness.command("status", second)).toContain("Nothing is connected");
    await harness.sms("still for the first channel");
    const parent = await harness.waitForParent();
    await waitFor(() => harness.replies(parent.ts).some((m) => m.text === "still for the first channel"));
    expect(harness.parents(second)).toEqual([]);
    expect(channelNotices(supportChannel)).toEqual([]);
    expect(harness.logs.find("inbox move offered")).toBeDefined();
  });

  it("moves it once confirmed, and tells the old channel where it went and who moved it", async () => {
    await start();
    await harness.connectInbox();
    const answer = await harness.moveInbox(second, inboxNumber, mallory.id);
    expect(answer).toContain(`Moved SMS +1 555 000 1111 here from <#${supportChannel}>`);

    const [notice] = await waitFor(
      () => channelNotices(supportChannel).length === 1 && channelNotices(supportChannel),
    );
    expect(notice?.text).toContain(`<@${mallory.id}> moved SMS +1 555 000 1111 to <#${second}>`);
    const status = await harness.command("status", second);
    expect(status).toMatch(
      new RegExp(`connected by <@${mallory.id}> <!date\\^\\d+\\^\\{date_short_pretty\\} at \\{time\\}\\|`),
    );
    // Slack writes the day as "today": "on today at 5:50 AM" was the old wording.
    expect(status).not.toContain(" on <!date^");
    expect(await harness.command("status", supportChannel)).toContain("Nothing is connected");
    await harness.sms("after the move");
    const moved = await harness.waitForParent(second);
    await waitFor(() => harness.replies(moved.ts, second).some((m) => m.text === "after the move"));
    expect(harness.logs.find("inbox moved")).toMatchObject({
      user: mallory.id,
      previousChannel: supportChannel,
    });
  });

  it("checks the button again on click: its channel, where the number is now, and what it names", async () => {
    await start();
    await harness.connectInbox();

    // A value edited to name another channel than the one the button is clicked in moves nothing.
    const forged = await command(`connect sms ${inboxNumber}`, second, mallory.id);
    const refusal = await click(forged.shown, (payload) => {
      const [action] = payload.actions as { value: string }[];
      if (action) action.value = action.value.replace(second, third);
    });
    expect(refusal).toContain(`This button was offered in <#${third}>`);
    expect(refusal).toContain("Nothing was moved");

    // The number moved elsewhere after the offer: the stale button does not move it again.
    const stale = await command(`connect sms ${inboxNumber}`, second, mallory.id);
    expect(await harness.moveInbox(third, inboxNumber, agent.id)).toContain("Moved");
    expect(await click(stale.shown)).toContain(`is now connected to <#${third}>, not <#${supportChannel}>`);

    // A value that names nothing is refused.
    const garbled = await command(`connect sms ${inboxNumber}`, second, mallory.id);
    expect(
      await click(garbled.shown, (payload) => {
        const [action] = payload.actions as { value: string }[];
        if (action) action.value = '{"kind":"fax","address":"x","from":"C1","to":"C0SECOND"}';
      }),
    ).toContain("does not carry an inbox");

    await harness.idle();
    expect(await harness.command("status", third)).toContain("SMS +1 555 000 1111");
    expect(await harness.command("status", second)).toContain("Nothing is connected");
    expect(channelNotices(supportChannel)).toHaveLength(1);
    expect(channelNotices(second)).toEqual([]);
    expect(harness.logs.find("inbox move refused: it changed since the offer")).toBeDefined();
  });
});

describe("THREADLINE_ADMINS", () => {
  it("lets only admins connect, disconnect and move, and tells anyone else to ask one", async () => {
    await start({ THREADLINE_ADMINS: `${boss.id}` });
    const refused = await command(`connect sms ${inboxNumber}`, supportChannel, agent.id);
    expect(refused.text).toContain("Only a Threadline admin can connect, disconnect or move inboxes");
    expect(refused.text).toContain(`<@${boss.id}>`);
    expect(refused.shown.blocks).toBeUndefined();
    expect(await harness.command("status")).toContain("Nothing is connected");
    expect(harness.logs.find("inbox connect refused: not an admin")).toBeDefined();

    expect((await command(`connect sms ${inboxNumber}`, supportChannel, boss.id)).text).toContain(
      "Connected",
    );
    expect(await harness.command(`disconnect ${inboxNumber}`)).toContain("Only a Threadline admin");
    expect(await harness.command("status")).toContain("SMS +1 555 000 1111");

    // Nobody but an admin gets a Move it here button …
    expect((await command(`connect sms ${inboxNumber}`, second, mallory.id)).text).toContain(
      "Only a Threadline admin",
    );
    // … and a click is checked again: the admin's button clicked by someone else moves nothing.
    const offer = await command(`connect sms ${inboxNumber}`, second, boss.id);
    const answer = await click(offer.shown, (payload) => {
      Object.assign(payload.user as object, { id: mallory.id, username: mallory.name, name: mallory.name });
    });
    expect(answer).toContain("Only a Threadline admin");
    expect(await harness.command("status")).toContain("SMS +1 555 000 1111");

    expect((await command(`disconnect ${inboxNumber}`, supportChannel, boss.id)).text).toContain(
      "Disconnected",
    );
  });
});
