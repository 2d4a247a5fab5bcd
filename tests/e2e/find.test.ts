import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { events, notification } from "../../src/simulators/meta/payloads.js";
import { agent, customerNumber, Harness, messenger, supportChannel, waitFor } from "./harness.js";

const other = "C0OTHER";
const secondCustomer = "+15557654322";

let harness: Harness;

beforeEach(async () => {
  harness = await Harness.start();
  harness.slack.addChannel({ id: other, name: "other", members: [harness.slack.botUserId, agent.id] });
  harness.graph.profiles.set(messenger.psid, {
    first_name: "Peter",
    last_name: "Chang",
    profile_pic: "https://pics.example/peter.jpg",
  });
});

afterEach(async () => {
  await harness.stop();
});

/** A customer message, once its thread shows it; resolves with the thread's parent ts. */
async function customerWrites(
  text: string,
  from: string,
  to = "+15550001111",
  channel = supportChannel,
): Promise<string> {
  const before = harness.parents(channel).length;
  await harness.sms(text, { from, to });
  const parents = await waitFor(() => harness.parents(channel).length > before && harness.parents(channel));
  return parents.at(-1)?.ts as string;
}

describe("/threadline find", () => {
  it("finds conversations by message words, name and number, newest first, with thread links", async () => {
    await harness.connectInbox();
    expect(await harness.command(`connect messenger ${messenger.pageId}`)).toContain("Connected Messenger");
    const refundThread = await customerWrites("Is my refund on its way?", customerNumber);
    const parcelThread = await customerWrites("The parcel arrived damaged", secondCustomer);
    await waitFor(() => harness.replies(parcelThread).length === 1);
    await harness.reply(parcelThread, "So sorry! A refund is on its way.");
    await waitFor(() => harness.twilio.sent.length === 1);
    await harness.messengerWebhook(
      notification([
        { pageId: messenger.pageId, events: [events.text(messenger.pageId, messenger.psid, "Hallo")] },
      ]),
    );
    await waitFor(() => harness.parents().length === 3);

    const byWords = await harness.command("find refunds");
    expect(byWords).toBe(`No conversation in this channel's inboxes matches “refunds”.`);

    const found = await harness.command("find refund");
    const lines = found.split("\n");
    expect(lines[0]).toBe("*Conversations matching “refund”*");
    // The agent's reply is the newest activity: that conversation comes first, showing the matching message.
    expect(lines[1]).toContain("*+1 555 765 4322* · SMS · open · unassigned");
    expect(lines[1]).toContain(
      `<https://threadline-test.slack.com/archives/${supportChannel}/p${parcelThread.replace(".", "")}|thread>`,
    );
    expect(lines[2]).toBe("    Agent: So sorry! A refund is on its way.");
    expect(lines[3]).toContain("*+1 555 765 4321* · SMS · open · unassigned");
    expect(lines[3]).toContain(`p${refundThread.replace(".", "")}|thread>`);
    expect(lines[4]).toBe("    Customer: Is my refund on its way?");
    expect(lines).toHaveLength(5);

    const byName = await harness.command("find peter chang");
    expect(byName).toContain(`*Peter Chang* (${messenger.psid}) · Messenger · open · unassigned`);
    expect(byName).toContain("Customer: Hallo");

    const byNumber = await harness.command("find (555) 765-4321");
    expect(byNumber.split("\n").filter((line) => line.startsWith("•"))).toHaveLength(1);
    expect(byNumber).toContain("*+1 555 765 4321*");
    const searched = harness.logs.lines.filter((line) => line.msg === "conversations searched");
    expect(searched.at(-1)).toMatchObject({ words: 2, found: 1 });
    expect(searched.at(-1)).not.toHaveProperty("query");
  });

  it("shows the assignee and status, and only this channel's conversations", async () => {
    await harness.connectInbox();
    await harness.connectInbox("+15550002222", other);
    const thread = await customerWrites("Where is order 1234?", customerNumber);
    await customerWrites("Order 1234 here too", secondCustomer, "+15550002222", other);
    await harness.slack.blockAction(
      harness.slack.buildExternalSelect({
        channel: supportChannel,
        messageTs: thread,
        user: agent.id,
        actionId: "threadline.assign",
        value: agent.id,
        text: agent.displayName,
      }),
    );
    await waitFor(() => JSON.stringify(harness.parents()[0]?.blocks).includes(`<@${agent.id}>`));
    const here = await harness.command("find order 1234");
    expect(here).toContain(`*+1 555 765 4321* · SMS · open · assigned to <@${agent.id}>`);
    expect(here).not.toContain("4322");
    const there = await harness.command("find order 1234", other);
    expect(there).toContain("*+1 555 765 4322*");
    expect(there).not.toContain("4321*");
  });

  it("reads what the agent typed as words, never as search syntax, and explains an empty search", async () => {
    await harness.connectInbox();
    await customerWrites('He said "hi" AND left', customerNumber);
    for (const text of ['"', "AND", "NEAR(hi", "body:hi", "*", "%", "hi OR", "^hi", "-hi", 'hi"*']) {
      const answer = await harness.command(`find ${text}`);
      expect(answer, text).not.toContain("error");
    }
    expect(await harness.command('find "hi" AND')).toContain("*+1 555 765 4321*");
    expect(await harness.command("find")).toContain("Say what to look for");
    expect(await harness.command("find   ")).toContain("Say what to look for");
    expect(await harness.command("find refund", other)).toContain("Nothing is connected to this channel");
  });

  it("refuses more than six words and one-letter searches, saying why, and names the letters it left out", async () => {
    await harness.connectInbox();
    await customerWrites("A question about my refund", customerNumber);

    const tooMany = await harness.command("find where is my refund for the order");
    expect(tooMany).toBe(
      "Search with at most 6 words (you gave 7): the fewest that tell the conversation apart, e.g. `/threadline find refund parcel`.",
    );
    for (const text of ["a", "a b", "? x"]) {
      expect(await harness.command(`find ${text}`), text).toContain(
        "Give words of at least two letters or digits",
      );
    }
    expect(harness.logs.find("search refused: too many words")).toMatchObject({ words: 7 });
    expect(harness.logs.find("search refused: words too short")).toBeDefined();

    const found = await harness.command("find a refund");
    expect(found.split("\n")[0]).toBe(
      "*Conversations matching “a refund”* (left out, as shorter than two letters: “a”)",
    );
    expect(found).toContain("*+1 555 765 4321*");
  });
});
