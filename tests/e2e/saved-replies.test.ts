import { afterEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, customerNumber, Harness, inboxNumber, supportChannel, waitFor } from "./harness.js";

/* Saved replies: `/threadline snippet add|remove`, `snippets`, and `;name` in a conversation's thread. */

let harness: Harness;

afterEach(async () => {
  await harness.stop();
});

async function conversation(): Promise<StoredMessage> {
  await harness.sms("When are you open?");
  const parent = await harness.waitForParent();
  await waitFor(() => harness.replies(parent.ts).length === 1);
  return parent;
}

const lines = (parent: StoredMessage) => harness.replies(parent.ts).map((m) => m.text);
const toldInThread = (parent: StoredMessage) =>
  harness.slack.ephemerals.filter((e) => e.user === agent.id && e.thread_ts === parent.ts).map((e) => e.text);

describe("saved replies", () => {
  it("are saved, listed and sent with ;name, variables filled and text appended; the thread shows what was sent", async () => {
    harness = await Harness.start();
    await harness.connectInbox();
    const parent = await conversation();

    expect(
      await harness.command("snippet add hours Hi {first_name}, we're open 9–5 & Sat. — {agent}"),
    ).toMatch(/^Saved `hours`\./);
    expect(await harness.command("snippet add Ship-Times Orders ship in 2 days.")).toMatch(
      /^Saved `ship-times`\./,
    );
    const list = await harness.command("snippets");
    expect(list).toContain("`;hours` — Hi {first_name}, we're open 9–5 & Sat. — {agent}");
    expect(list).toContain("`;ship-times` — Orders ship in 2 days.");

    await harness.reply(parent.ts, ";hours");
    const first = await waitFor(() => harness.twilio.sent[0]);
    // The SMS customer's name is unknown here: {first_name} reads "there".
    expect(first).toMatchObject({
      From: inboxNumber,
      To: customerNumber,
      Body: "Hi there, we're open 9–5 & Sat. — Ana",
    });
    await waitFor(() =>
      lines(parent).includes("📝 Saved reply `;hours` sent as:\n> Hi there, we're open 9–5 & Sat. — Ana"),
    );

    await harness.reply(parent.ts, ";SHIP-TIMES Yours left today.");
    await waitFor(() => harness.twilio.sent[1]?.Body === "Orders ship in 2 days. Yours left today.");
    await waitFor(() =>
      lines(parent).includes(
        "📝 Saved reply `;ship-times` sent as:\n> Orders ship in 2 days. Yours left today.",
      ),
    );

    expect(await harness.command("snippet remove hours")).toBe("Removed the saved reply `hours`.");
    expect(await harness.command("snippets")).not.toContain(";hours");
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(2);
  });

  it("refuse an unknown variable when saving, and an unknown name in a thread (nothing is sent)", async () => {
    harness = await Harness.start();
    await harness.connectInbox();
    const parent = await conversation();

    expect(await harness.command("snippet add promo Hi {firstname}, {code} gets 10% off")).toBe(
      "Not saved: `{firstname}`, `{code}` are not variables I can fill. A saved reply may use `{first_name}`, `{name}`, `{agent}`.",
    );
    expect(await harness.command("snippet add bad!name text")).toMatch(/^`bad!name` can't be a name/);
    expect(await harness.command("snippets")).toMatch(/^This channel has no saved replies yet/);

    await harness.reply(parent.ts, ";promo");
    await waitFor(() =>
      toldInThread(parent).includes(
        "Not sent to the customer: there is no saved reply `promo` in this channel. `/threadline snippets` lists them.",
      ),
    );
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(0);
    expect(harness.logs.find("unknown saved reply")).toBeDefined();
  });

  it("are added and removed only by admins when THREADLINE_ADMINS is set; anyone in the channel uses them", async () => {
    harness = await Harness.start({ environment: { THREADLINE_ADMINS: "U0ADMIN" } });
    harness.slack.addUser({ id: "U0ADMIN", name: "boss", realName: "Bo Ss" });
    await harness.slack.joinChannel({ channel: supportChannel, user: "U0ADMIN" });
    const asAdmin = (text: string) =>
      harness.slack.slashCommand({ channel_id: supportChannel, user_id: "U0ADMIN", text });
    await asAdmin(`connect sms ${inboxNumber}`);
    const parent = await conversation();

    expect(await harness.command("snippet add hours We're open 9–5.")).toBe(
      "Only a Threadline admin can add or remove saved replies. Ask an admin to do it: <@U0ADMIN>. Nothing was changed.",
    );
    expect(harness.logs.find("saved reply change refused")).toBeDefined();
    expect(String((await asAdmin("snippet add hours We're open 9–5.")).text)).toMatch(/^Saved `hours`/);
    expect(await harness.command("snippet remove hours")).toMatch(/^Only a Threadline admin/);

    await harness.reply(parent.ts, ";hours");
    await waitFor(() => harness.twilio.sent[0]?.Body === "We're open 9–5.");
  });
});

describe("the parent's shortcut 'Reply with a saved reply'", () => {
  const modalOf = (user: string) => harness.slack.openModalOf(user);
  const textInput = (user: string) =>
    ((modalOf(user)?.view.blocks ?? []) as { type: string; element?: { initial_value?: string } }[]).find(
      (block) => block.type === "input",
    )?.element;

  it("opens a form to pick a saved reply, edit it and send it; the thread shows it under the sender's name", async () => {
    harness = await Harness.start();
    await harness.connectInbox();
    const parent = await conversation();
    await harness.command("snippet add hours Hi {first_name}, we're open 9–5.");
    await harness.command("snippet add thanks Thanks, {agent}");

    await harness.slack.messageShortcut({
      channel: supportChannel,
      messageTs: parent.ts,
      user: agent.id,
      callbackId: "threadline.savedReply",
    });
    const modal = await waitFor(() => modalOf(agent.id));
    await harness.slack.chooseInModal({
      viewId: modal.id,
      actionId: "threadline.savedReply.pick",
      value: "hours",
    });
    await waitFor(() => textInput(agent.id)?.initial_value === "Hi there, we're open 9–5.");

    const ack = await harness.slack.submitModal({
      viewId: modal.id,
      typed: { "threadline.savedReply.text": "Hi there, we're open 9–5 <today> & tomorrow." },
    });
    expect(ack.response_action).toBeUndefined();
    await waitFor(() => harness.twilio.sent[0]?.Body === "Hi there, we're open 9–5 <today> & tomorrow.");
    const shown = await waitFor(() =>
      harness
        .replies(parent.ts)
        .find((m) => m.text === "Hi there, we're open 9–5 &lt;today&gt; &amp; tomorrow."),
    );
    expect(shown.username).toBe("Ana");
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(1);
  });

  it("refuses someone outside the channel, and a channel without saved replies", async () => {
    harness = await Harness.start();
    await harness.connectInbox();
    const parent = await conversation();
    harness.slack.addUser({ id: "U0OUTSIDER", name: "olga", realName: "Olga Out" });

    const refusalOf = async (user: string) => {
      await harness.slack.messageShortcut({
        channel: supportChannel,
        messageTs: parent.ts,
        user,
        callbackId: "threadline.savedReply",
      });
      const modal = await waitFor(() => modalOf(user));
      return JSON.stringify(modal.view.blocks);
    };
    expect(await refusalOf(agent.id)).toContain("This channel has no saved replies yet");
    await harness.command("snippet add hours We're open 9–5.");
    expect(await refusalOf("U0OUTSIDER")).toContain(
      `Only members of <#${supportChannel}> can reply to its customers`,
    );
    expect(harness.logs.find("saved-reply form refused")).toBeDefined();
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(0);
  });
});
