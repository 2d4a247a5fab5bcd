import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  agent,
  customerNumber,
  Harness,
  inboxNumber,
  messenger,
  supportChannel,
  waitFor,
} from "./harness.js";

let harness: Harness;

beforeEach(async () => {
  harness = await Harness.start();
});

afterEach(async () => {
  await harness.stop();
});

describe("/threadline text", () => {
  it("texts a customer first: a new thread under the agent's name, sent by SMS, and the answer lands in it", async () => {
    await harness.connectInbox();
    const answer = await harness.command(`text ${customerNumber} Your table is ready!\nSee you soon`);
    expect(answer).toContain("Sending to +1 555 765 4321 from SMS +1 555 000 1111");

    const parent = await harness.waitForParent();
    const [posted] = await waitFor(
      () => harness.replies(parent.ts).length === 1 && harness.replies(parent.ts),
    );
    expect(parent.text).toContain("Conversation with +1 555 765 4321");
    expect(posted).toMatchObject({
      text: "Your table is ready!\nSee you soon",
      username: agent.displayName,
      icon_url: `https://avatars.example/${agent.id}_72.png`,
    });
    const [sent] = await waitFor(() => harness.twilio.sent.length === 1 && harness.twilio.sent);
    expect(sent).toMatchObject({
      From: inboxNumber,
      To: customerNumber,
      Body: "Your table is ready!\nSee you soon",
    });

    // Delivery marks the agent's message in the thread, as for a reply typed there.
    await harness.statusCallback(sent?.sid as string, "delivered");
    await waitFor(() =>
      harness.slack.reactions.some((r) => r.timestamp === posted?.ts && r.name === "white_check_mark"),
    );

    await harness.sms("Great, on my way");
    await waitFor(() => harness.replies(parent.ts).length === 2);
    expect(harness.parents()).toHaveLength(1);
    expect(harness.replies(parent.ts)[1]?.text).toBe("Great, on my way");

    // A reply typed in that thread goes to the same customer.
    await harness.reply(parent.ts, "Table 4");
    await waitFor(() => harness.twilio.sent.length === 2);
    expect(harness.twilio.sent[1]).toMatchObject({ To: customerNumber, Body: "Table 4" });
  });

  it("continues in the existing thread when the customer already has a conversation, and reopens it", async () => {
    await harness.connectInbox();
    await harness.sms("Hello?");
    const parent = await harness.waitForParent();
    await waitFor(() => harness.replies(parent.ts).length === 1);
    await harness.slack.blockAction(
      harness.slack.buildButtonClick({
        channel: supportChannel,
        messageTs: parent.ts,
        user: agent.id,
        actionId: "threadline.close",
      }),
    );
    const parentBlocks = () => JSON.stringify(harness.parents()[0]?.blocks);
    await waitFor(() => !parentBlocks().includes("threadline.close"));

    expect(await harness.command(`text ${customerNumber} We found your umbrella`)).toContain("Sending to");
    await waitFor(() => harness.replies(parent.ts).some((m) => m.text === "We found your umbrella"));
    await waitFor(() => harness.twilio.sent.length === 1);
    expect(harness.parents()).toHaveLength(1);
    await waitFor(() => parentBlocks().includes("threadline.close"));
  });

  it("asks which number to send from when the channel has several, and uses the one named", async () => {
    await harness.connectInbox();
    await harness.connectInbox("+15550002222");
    const ask = await harness.command(`text ${customerNumber} Hello`);
    expect(ask).toContain("This channel has several numbers");
    expect(ask).toContain("from +15550001111");
    expect(ask).toContain("Nothing was sent.");

    const unknown = await harness.command(`text ${customerNumber} from +15559999999 Hello`);
    expect(unknown).toContain("`+15559999999` is not a number connected to this channel");

    expect(
      await harness.command(`text ${customerNumber} from +15550002222 Hello from the second line`),
    ).toContain("from SMS +1 555 000 2222");
    await waitFor(() => harness.twilio.sent.length === 1);
    expect(harness.twilio.sent[0]).toMatchObject({
      From: "+15550002222",
      Body: "Hello from the second line",
    });
  });

  it("refuses an invalid number, an opted-out customer, a missing message and a channel with nothing connected", async () => {
    expect(await harness.command(`text ${customerNumber} hi`)).toContain(
      "Nothing is connected to this channel",
    );
    await harness.connectInbox();
    expect(await harness.command("text 5557654321 hi")).toContain(
      "`5557654321` is not a phone number I can text",
    );
    expect(await harness.command("text +1555 hi")).toContain("is not a phone number I can text");
    expect(await harness.command(`text ${customerNumber}`)).toContain("Say what to send");
    expect(await harness.command("text")).toContain("Say who to text and what");
    expect(await harness.command(`text ${inboxNumber} hi`)).toContain("this inbox's own number");

    await harness.sms("STOP");
    const parent = await harness.waitForParent();
    await waitFor(() => harness.replies(parent.ts).length >= 1);
    const refused = await harness.command(`text ${customerNumber} Last chance for our sale!`);
    expect(refused).toContain("+1 555 765 4321 has opted out (texted STOP)");
    expect(refused).toContain("Nothing was sent.");
    await harness.idle();
    expect(harness.twilio.sent).toEqual([]);
    expect(harness.replies(parent.ts).some((m) => m.text.includes("Last chance"))).toBe(false);
    expect(harness.logs.find("conversation not started")).toBeDefined();
  });

  it("refuses in a Messenger-only channel: Messenger forbids business-initiated messages", async () => {
    expect(await harness.command(`connect messenger ${messenger.pageId}`)).toContain("Connected Messenger");
    const answer = await harness.command(`text ${customerNumber} Hello`);
    expect(answer).toContain("This channel only has Messenger inboxes");
    expect(answer).toContain("doesn't let a business message a customer first");
    await harness.idle();
    expect(harness.graph.sends).toEqual([]);
    expect(harness.parents()).toEqual([]);
  });
});

describe("/threadline text when SMS is not configured", () => {
  it("says so and sends nothing", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-e2e-"));
    const configured = await Harness.start({ databaseDir: dir });
    await configured.connectInbox();
    await configured.app.stop();
    await Promise.all([configured.slack.stop(), configured.twilio.stop(), configured.graph.stop()]);

    const disabled = await Harness.start({
      databaseDir: dir,
      environment: { TWILIO_ACCOUNT_SID: "", TWILIO_AUTH_TOKEN: "" },
    });
    try {
      const answer = await disabled.command(`text ${customerNumber} Hello`);
      expect(answer).toContain("SMS is not configured on this Threadline server");
      expect(answer).toContain("Nothing was sent.");
      await harness.idle();
      expect(disabled.parents()).toEqual([]);
      expect(disabled.twilio.sent).toEqual([]);
    } finally {
      await disabled.stop();
    }
  });
});
