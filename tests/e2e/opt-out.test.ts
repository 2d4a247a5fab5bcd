import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, customerNumber, Harness, inboxNumber, supportChannel, waitFor } from "./harness.js";

/* Carriers and Twilio block a customer per sending number: an opt-out is kept per inbox × contact (the
 * conversation), from Twilio's default words or, with Advanced Opt-Out, from the OptOutType it sends. */

let harness: Harness;
const salesChannel = "C0SALES";
const salesNumber = "+15550002222";

beforeEach(async () => {
  harness = await Harness.start();
  harness.slack.addChannel({ id: salesChannel, name: "sales", members: [harness.slack.botUserId, agent.id] });
  await harness.connectInbox(inboxNumber, supportChannel);
  await harness.connectInbox(salesNumber, salesChannel);
});

afterEach(async () => {
  await harness.stop();
});

const parentShowsOptedOut = (parent: StoredMessage) =>
  JSON.stringify(harness.slack.messages.find((m) => m.ts === parent.ts)?.blocks).includes("Opted out");
const lines = (parent: StoredMessage, channel: string) =>
  harness.replies(parent.ts, channel).map((m) => m.text);

async function conversationIn(channel: string, to: string): Promise<StoredMessage> {
  await harness.sms(`hello ${to}`, { to });
  const parent = await waitFor(() => harness.parents(channel)[0]);
  await waitFor(() => lines(parent, channel).length === 1);
  return parent;
}

describe("opt-out per inbox", () => {
  it("STOP to one number blocks replies from that number only, and only its parent says so", async () => {
    const support = await conversationIn(supportChannel, inboxNumber);
    const sales = await conversationIn(salesChannel, salesNumber);

    await harness.sms("STOP", { to: inboxNumber });
    await waitFor(() => parentShowsOptedOut(support));
    await waitFor(() => lines(support, supportChannel).some((l) => l.includes("The customer opted out")));

    await harness.reply(support.ts, "Still there?", supportChannel);
    await waitFor(() =>
      lines(support, supportChannel).some((l) =>
        l.startsWith("⚠️ Not sent to the customer: the customer has opted out"),
      ),
    );
    await harness.reply(sales.ts, "Your order shipped", salesChannel);
    const sent = await waitFor(() => harness.twilio.sent[0]);
    expect(sent).toMatchObject({ From: salesNumber, To: customerNumber, Body: "Your order shipped" });
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(1);
    expect(parentShowsOptedOut(sales)).toBe(false);
    expect(lines(sales, salesChannel).some((l) => l.includes("opted out"))).toBe(false);
  });
});

describe("opt-out in plain words", () => {
  it("'stop texting me' opts out with one confirmation text; the thread shows why; later replies are refused", async () => {
    const support = await conversationIn(supportChannel, inboxNumber);

    await harness.sms("Please stop texting me!", { to: inboxNumber });
    await waitFor(() => parentShowsOptedOut(support));
    await waitFor(() =>
      lines(support, supportChannel).some(
        (l) => l.startsWith("🚫 The customer opted out") && l.includes("“Please stop texting me!”"),
      ),
    );
    const confirmation = await waitFor(() => harness.twilio.sent[0]);
    expect(confirmation).toMatchObject({ From: inboxNumber, To: customerNumber });
    expect(confirmation.Body).toBe(
      "You have been unsubscribed and will receive no more messages from this number. Reply START to resubscribe.",
    );
    await waitFor(() =>
      lines(support, supportChannel).some(
        (l) => l.startsWith("🚫 Opt-out confirmation sent:") && l.includes(confirmation.Body),
      ),
    );

    await harness.reply(support.ts, "Sorry to see you go", supportChannel);
    await waitFor(() =>
      lines(support, supportChannel).some((l) =>
        l.startsWith("⚠️ Not sent to the customer: the customer has opted out"),
      ),
    );
    await harness.sms("Don't text me", { to: inboxNumber });
    await waitFor(() => lines(support, supportChannel).includes("Don't text me"));
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(1);
    expect(
      lines(support, supportChannel).filter((l) => l.startsWith("🚫 The customer opted out")),
    ).toHaveLength(1);
  });

  it("'cancel my order' is an ordinary message: nothing changes and replies are sent", async () => {
    const support = await conversationIn(supportChannel, inboxNumber);
    await harness.sms("cancel my order", { to: inboxNumber });
    await waitFor(() => lines(support, supportChannel).includes("cancel my order"));
    await harness.reply(support.ts, "Done, it is cancelled", supportChannel);
    await waitFor(() => harness.twilio.sent.some((m) => m.Body === "Done, it is cancelled"));
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(1);
    expect(parentShowsOptedOut(support)).toBe(false);
  });

  it("STOP, which Twilio blocks and confirms itself, gets no second confirmation from us", async () => {
    const support = await conversationIn(supportChannel, inboxNumber);
    await harness.sms("STOP", { to: inboxNumber });
    await waitFor(() =>
      lines(support, supportChannel).some((l) => l.startsWith("🚫 The customer opted out.")),
    );
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(0);
  });
});

describe("Twilio Advanced Opt-Out (OptOutType)", () => {
  beforeEach(() => {
    harness.twilio.advancedOptOut = {
      STOP: ["STOP", "ARRET"],
      START: ["START", "REPRENDRE"],
      HELP: ["HELP", "AIDE"],
    };
  });

  it("honours custom keywords Twilio recognised, and HELP changes nothing", async () => {
    const support = await conversationIn(supportChannel, inboxNumber);

    const stop = await harness.sms("arret", { to: inboxNumber });
    expect(stop.params.OptOutType).toBe("STOP");
    await waitFor(() => parentShowsOptedOut(support));
    await waitFor(() => lines(support, supportChannel).some((l) => l.includes("The customer opted out")));

    const help = await harness.sms("Aide", { to: inboxNumber });
    expect(help.params.OptOutType).toBe("HELP");
    await waitFor(() => lines(support, supportChannel).includes("Aide"));
    await harness.idle();
    expect(parentShowsOptedOut(support)).toBe(true);

    const start = await harness.sms("REPRENDRE", { to: inboxNumber });
    expect(start.params.OptOutType).toBe("START");
    await waitFor(() => lines(support, supportChannel).some((l) => l.includes("opted back in")));
    await waitFor(() => !parentShowsOptedOut(support));
    await harness.reply(support.ts, "Welcome back", supportChannel);
    await waitFor(() => harness.twilio.sent.some((m) => m.Body === "Welcome back"));
  });

  it("a sentence with a keyword in it is not one (Twilio matches the whole body)", async () => {
    const support = await conversationIn(supportChannel, inboxNumber);
    const answer = await harness.sms("arret de m'écrire svp", { to: inboxNumber });
    expect(answer.params.OptOutType).toBeUndefined();
    await waitFor(() => lines(support, supportChannel).includes("arret de m'écrire svp"));
    await harness.reply(support.ts, "Noted", supportChannel);
    await waitFor(() => harness.twilio.sent.some((m) => m.Body === "Noted"));
    expect(parentShowsOptedOut(support)).toBe(false);
  });
});
