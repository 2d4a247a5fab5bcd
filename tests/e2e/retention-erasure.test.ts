import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { events, notification } from "../../src/simulators/meta/payloads.js";
import type { HarnessOptions } from "./harness.js";
import { agent, customerNumber, Harness, messenger, supportChannel, waitFor } from "./harness.js";

const day = 24 * 60 * 60 * 1000;
const otherCustomer = "+15557650000";
const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

let harness: Harness;

afterEach(async () => {
  await harness?.stop();
});

async function start(options: HarnessOptions = {}) {
  harness = await Harness.start(options);
  await harness.connectInbox();
}

/** Rows of the app's SQLite file, read as an operator would (the app keeps it open). */
function count(table: string): number {
  const db = new Database(path.join(harness.databaseDir, "threadline.db"), { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS "n" FROM "${table}"`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** A customer's message, once its thread shows it; resolves with the parent's ts. */
async function customerWrites(text: string, from = customerNumber): Promise<string> {
  const before = harness.parents().length;
  await harness.sms(text, { from });
  const parents = await waitFor(() => harness.parents().length > before && harness.parents());
  const parent = parents.at(-1)?.ts as string;
  await waitFor(() => harness.replies(parent).some((reply) => reply.text.includes(text)));
  return parent;
}

/** A tag and a message scheduled for later in the customer's thread, once both are kept. */
async function tagAndSchedule(parent: string) {
  await harness.reply(parent, "tag: vip");
  await harness.reply(parent, "later in 2h: Checking in on 12 Quixotrific Lane");
  await waitFor(() => harness.replies(parent).some((reply) => reply.text.startsWith("🕘 Scheduled for")));
  await waitFor(() => count("ContactTag") === 1);
  expect(count("ScheduledMessage")).toBe(1);
}

/** The customer's scheduled message's send, still waiting in the outbox. */
const scheduledSends = () =>
  count(`DeliveryJob" WHERE "kind" = 'customer.scheduled' AND "state" != 'done' AND "id`);

/** `/threadline forget <text>` and, when it offers one, a click on its "Erase" button; both answers. */
async function forget(text: string, user = agent.id): Promise<{ offer: string; result: string | null }> {
  const ack = await harness.slack.slashCommand({
    channel_id: supportChannel,
    user_id: user,
    text: `forget ${text}`,
  });
  const offer = String(ack.text ?? "");
  const shown = harness.slack.ephemerals.findLast(
    (e) => e.channel === supportChannel && e.via === "command_ack",
  );
  if (!shown?.blocks) return { offer, result: null };
  await harness.slack.blockAction(
    harness.slack.buildEphemeralButtonClick({ ephemeral: shown, actionId: "threadline.forgetContact" }),
  );
  return { offer, result: await waitFor(() => !shown.blocks && shown.text) };
}

describe("/threadline forget", () => {
  it("erases a customer everywhere after the Erase button, tells the channel who erased whom, and keeps the others", async () => {
    await start();
    const parent = await customerWrites("My new address is 12 Quixotrific Lane");
    await harness.reply(parent, "Noted, thank you");
    await waitFor(() => harness.twilio.sent.length === 1);
    await customerWrites("Unrelated question", otherCustomer);

    const { offer, result } = await forget(customerNumber);
    expect(offer).toContain("Erase everything Threadline keeps about *+1 555 765 4321*");
    expect(result).toBe("Erased +1 555 765 4321: 1 conversation and 2 messages. The channel has been told.");
    const line = await waitFor(() =>
      harness.slack
        .topLevelMessages(supportChannel)
        .find((message) => message.text.includes("erased everything Threadline kept about")),
    );
    expect(line.text).toBe(
      `<@${agent.id}> erased everything Threadline kept about +1 555 765 4321 (1 conversation, 2 messages).`,
    );
    // The app's own posts that showed the customer now say who erased them; the agent's reply is the agent's.
    const erased = `_Erased by <@${agent.id}>._`;
    const botPosts = () => harness.replies(parent).filter((reply) => reply.user === harness.slack.botUserId);
    await waitFor(
      () =>
        harness.parents().find((p) => p.ts === parent)?.text === erased &&
        botPosts().length === 1 &&
        botPosts().every((post) => post.text === erased),
    );
    const thread = harness.replies(parent);
    const shownParent = harness.parents().find((p) => p.ts === parent);
    expect([shownParent?.text, shownParent?.blocks ?? []]).toEqual([erased, []]);
    expect(thread.some((reply) => reply.text.includes("Quixotrific"))).toBe(false);
    expect(thread.find((reply) => reply.user === agent.id)?.text).toBe("Noted, thank you");
    expect(await harness.command("find Quixotrific")).toContain("No conversation");
    expect(await harness.command("find Unrelated")).toContain("*+1 555 765 0000*");
    expect(count("Contact")).toBe(1);
    expect(count("Message")).toBe(1);
    const erasedLog = harness.logs.find("customer erased");
    expect(erasedLog).toMatchObject({ userId: agent.id, conversations: 1, messages: 2 });
    expect(JSON.stringify(harness.logs.lines)).not.toContain('Quixotrific Lane"');

    // Nothing of the text is left in the file: deleted rows are overwritten (secure_delete).
    const file = path.join(harness.databaseDir, "threadline.db");
    const checkpoint = new Database(file);
    checkpoint.pragma("wal_checkpoint(TRUNCATE)");
    checkpoint.close();
    expect(fs.readFileSync(file).includes("Quixotrific Lane")).toBe(false);

    // Writing again starts afresh: a new contact and thread.
    const again = await customerWrites("Hello again");
    expect(again).not.toBe(parent);
  });

  it("erases the customer's tags and scheduled messages with them, in one transaction", async () => {
    await start();
    const parent = await customerWrites("Hello");
    await tagAndSchedule(parent);
    expect(scheduledSends()).toBe(1);

    // A failure part way: the database refuses to delete the contact, as a full disk would.
    const db = new Database(path.join(harness.databaseDir, "threadline.db"));
    db.exec(
      `CREATE TRIGGER "refuse_erasure" BEFORE DELETE ON "Contact" BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    );
    const failed = await forget(customerNumber);
    expect(failed.result).toContain("didn't work");
    // Nothing half done: the customer is still all there, tags and scheduled message included.
    expect([count("Contact"), count("ContactTag"), count("ScheduledMessage"), scheduledSends()]).toEqual([
      1, 1, 1, 1,
    ]);
    db.exec(`DROP TRIGGER "refuse_erasure"`);
    db.close();

    const { result } = await forget(customerNumber);
    expect(result).toBe("Erased +1 555 765 4321: 1 conversation and 1 message. The channel has been told.");
    expect([count("Contact"), count("ContactTag"), count("ScheduledMessage"), scheduledSends()]).toEqual([
      0, 0, 0, 0,
    ]);
    const file = path.join(harness.databaseDir, "threadline.db");
    const checkpoint = new Database(file);
    checkpoint.pragma("wal_checkpoint(TRUNCATE)");
    checkpoint.close();
    expect(fs.readFileSync(file).includes("Quixotrific Lane")).toBe(false);
  });

  it("erases a customer from every inbox and tells each channel that had them; a Messenger user by their id", async () => {
    await start();
    const other = "C0OTHER";
    harness.slack.addChannel({ id: other, name: "other", members: [harness.slack.botUserId, agent.id] });
    await harness.connectInbox("+15550002222", other);
    await customerWrites("Hello support");
    await harness.sms("Hello other", { to: "+15550002222" });
    await waitFor(() => harness.parents(other).length === 1);

    expect((await forget(customerNumber)).result).toBe(
      "Erased +1 555 765 4321: 2 conversations and 2 messages. The channel has been told.",
    );
    const told = (channel: string) =>
      harness.slack
        .topLevelMessages(channel)
        .filter((message) =>
          message.text.includes("erased everything Threadline kept about +1 555 765 4321"),
        );
    await waitFor(() => told(supportChannel).length === 1 && told(other).length === 1);
    expect(count("Conversation")).toBe(0);

    expect(await harness.command(`connect messenger ${messenger.pageId}`)).toContain("Connected Messenger");
    await harness.messengerWebhook(
      notification([
        { pageId: messenger.pageId, events: [events.text(messenger.pageId, messenger.psid, "Hallo")] },
      ]),
    );
    await waitFor(() => count("Message") === 1);
    expect((await forget(messenger.psid)).result).toBe(
      `Erased ${messenger.psid}: 1 conversation and 1 message. The channel has been told.`,
    );
    expect(count("Contact")).toBe(0);
  });

  it("says in the channel when Slack kept refusing to replace the erased customer's posts until the attempts ran out", async () => {
    await start({
      overrides: { delivery: { backoff: { baseDelayMs: 20, maxDelayMs: 40, maxAttempts: 3 } } },
    });
    await customerWrites("Hello");
    await harness.idle();
    harness.slack.failNext("chat.update", { status: 503, times: 3 });
    expect((await forget(customerNumber)).result).toContain("Erased +1 555 765 4321");
    const line = await waitFor(() =>
      harness.parents().find((message) => message.text.startsWith("⚠️ Slack kept failing")),
    );
    expect(line.text).toMatch(
      /^⚠️ Slack kept failing for (\d+ seconds?|less than a second) \(3 attempts\), so 2 of Threadline's posts about an erased customer could not be replaced here: they may still show them\. Delete them in Slack if they must go\.$/,
    );
    expect(line.text).not.toContain("555");
    const [gaveUp] = harness.logs.lines.filter((l) => l.msg === "delivery gave up after too many attempts");
    expect(String(gaveUp?.lost)).toContain(
      "2 posts of an erased customer in channel C0SUPPORT may still show them",
    );
  });

  it("says why when nothing can be erased, and lets only admins erase when THREADLINE_ADMINS is set", async () => {
    await start({ environment: { THREADLINE_ADMINS: agent.id } });
    harness.slack.addUser({ id: "U0OTHER", name: "oli", realName: "Oli Other", displayName: "Oli" });
    await harness.slack.joinChannel({ channel: supportChannel, user: "U0OTHER" });
    await customerWrites("Hi");

    expect((await forget(customerNumber, "U0OTHER")).offer).toBe(
      `Only a Threadline admin can erase a customer's data. Ask an admin to do it: <@${agent.id}>.`,
    );
    expect(harness.logs.find("erasure refused: not an admin")).toBeDefined();
    expect(await forget("")).toEqual({
      offer:
        "Say whose data to erase: `/threadline forget +15557654321` (the customer's number, or the user id their channel gives them).",
      result: null,
    });
    expect((await forget("banana")).offer).toContain(
      "`banana` is not a customer's number or user id I can read.",
    );
    expect((await forget("+15559990000")).result).toBe(
      "Threadline keeps nothing about +1 555 999 0000: nothing was erased.",
    );
    expect(count("Message")).toBe(1);
    expect((await forget(customerNumber)).result).toContain("Erased +1 555 765 4321");
    expect(count("Message")).toBe(0);
  });
});

describe("housekeeping", () => {
  it("deletes an agent's file once its link expires, on a quiet inbox too", async () => {
    await start({ overrides: { mediaTtlMs: 300, housekeeping: { intervalMs: 100 } } });
    const parent = await customerWrites("Can I have the receipt?");
    const file = harness.slack.addFile({
      name: "receipt.png",
      mimetype: "image/png",
      bytes: png,
      user: agent.id,
    });
    await harness.slack.userMessage({
      channel: supportChannel,
      user: agent.id,
      text: "Here",
      thread_ts: parent,
      files: [file],
    });
    await waitFor(() => harness.twilio.sent.length === 1);
    expect(count("MediaFile")).toBe(1);
    await waitFor(() => count("MediaFile") === 0);
    expect(harness.logs.find("expired files and closed conversations deleted")).toMatchObject({ media: 1 });
  });

  it("purges conversations closed longer ago than RETENTION_DAYS, with their messages, tags, scheduled messages and jobs, and keeps open ones", async () => {
    let shift = 0;
    await start({
      environment: { RETENTION_DAYS: "30" },
      overrides: { now: () => Date.now() + shift, housekeeping: { intervalMs: 100 } },
    });
    const closed = await customerWrites("Old matter");
    await tagAndSchedule(closed);
    await customerWrites("Still going", otherCustomer);
    await harness.slack.blockAction(
      harness.slack.buildButtonClick({
        channel: supportChannel,
        messageTs: closed,
        user: agent.id,
        actionId: "threadline.close",
      }),
    );
    await waitFor(() => harness.logs.find("parent updated"));
    expect(count("Conversation")).toBe(2);

    // 29 days on, it is kept (two sweeps run after the clock moved); 31 days on, it goes.
    shift = 29 * day;
    const from = harness.logs.lines.length;
    await waitFor(
      () =>
        harness.logs.lines.slice(from).filter((line) => line.msg === "housekeeping found nothing to delete")
          .length >= 2,
    );
    expect(count("Conversation")).toBe(2);
    shift = 31 * day;
    await waitFor(() => count("Conversation") === 1);
    expect(count("Message")).toBe(1);
    expect([count("Contact"), count("ContactTag"), count("ScheduledMessage"), scheduledSends()]).toEqual([
      1, 0, 0, 0,
    ]);
    expect(await harness.command("find Old")).toContain("No conversation");
    expect(harness.logs.find("expired files and closed conversations deleted")).toMatchObject({
      conversations: 1,
    });
  });
});
