import { afterEach, describe, expect, it } from "vitest";
import { agent, Harness, inboxNumber, supportChannel, waitFor } from "./harness.js";

/* A customer message that can't be posted to Slack for good is held, not dropped: /threadline status says how
 * many and why, /metrics counts them, and /threadline retry posts them, in order, once the cause is fixed. */

let harness: Harness;
const otherCustomer = "+15557650002";
const admin = { id: "U0ADMIN", name: "adele" };

afterEach(async () => {
  await harness.stop();
});

const customerTexts = (threadTs: string) =>
  harness
    .replies(threadTs)
    .filter((m) => m.username !== undefined)
    .map((m) => m.text);
const heldGauge = async () => {
  const scrape = await (await fetch(harness.metricsUrl)).text();
  return Number(/^threadline_held_customer_messages (\d+)$/m.exec(scrape)?.[1]);
};
const heldLogs = () =>
  harness.logs.lines.filter(
    (l) => l.msg === "delivery held: it failed for good and waits for /threadline retry",
  );
const command = async (text: string, user: string) =>
  String((await harness.slack.slashCommand({ channel_id: supportChannel, user_id: user, text })).text ?? "");

/** The app loses chat:write while four messages arrive from two customers: all four are held. */
async function holdFourMessages(): Promise<string> {
  await harness.sms("Hello");
  const parent = await harness.waitForParent();
  await waitFor(() => customerTexts(parent.ts).length === 1);
  const granted = [...harness.slack.grantedScopes];
  harness.slack.grantedScopes = granted.filter((scope) => scope !== "chat:write");
  for (const body of ["one", "two", "three"]) await harness.sms(body);
  await harness.sms("four", { from: otherCustomer });
  await waitFor(() => heldLogs().length === 2);
  harness.slack.grantedScopes = granted;
  return parent.ts;
}

describe("customer messages that could not be posted for good", () => {
  it("a missing scope: held, shown in status and metrics, and posted in order, once, by /threadline retry", async () => {
    harness = await Harness.start();
    await harness.connectInbox();
    const threadTs = await holdFourMessages();
    expect(heldLogs().map((l) => l.reason)).toEqual([
      "the Slack app lacks a permission it needs (chat:write)",
      "the Slack app lacks a permission it needs (chat:write)",
    ]);
    expect(harness.logs.find("delivery failed permanently")).toBeUndefined();
    expect(await harness.command("status")).toContain(
      "⚠️ 4 customer messages held: the Slack app lacks a permission it needs (chat:write). Fix that, then run `/threadline retry`",
    );
    expect(await heldGauge()).toBe(4);

    expect(await harness.command("retry")).toContain("Queued 4 customer messages again");
    await waitFor(() => customerTexts(threadTs).length === 4);
    const second = await waitFor(() => harness.parents().find((p) => p.ts !== threadTs));
    await waitFor(() => customerTexts(second.ts).length === 1);
    expect(customerTexts(threadTs)).toEqual(["Hello", "one", "two", "three"]);
    expect(customerTexts(second.ts)).toEqual(["four"]);
    expect(harness.parents()).toHaveLength(2);
    expect(await heldGauge()).toBe(0);
    expect(await harness.command("status")).not.toContain("held");
    expect(await harness.command("retry")).toBe(
      "No customer messages are held in this channel's inboxes: there is nothing to retry.",
    );
  });

  it("with THREADLINE_ADMINS set, only an admin may queue them again", async () => {
    harness = await Harness.start({ environment: { THREADLINE_ADMINS: admin.id } });
    harness.slack.addUser(admin);
    harness.slack.channels.get(supportChannel)?.members.add(admin.id);
    expect(await command(`connect sms ${inboxNumber}`, admin.id)).toContain("Connected");
    const threadTs = await holdFourMessages();
    expect(await command("retry", agent.id)).toBe(
      `Only a Threadline admin can queue held messages again. Ask an admin to do it: <@${admin.id}>.`,
    );
    await waitFor(() => harness.logs.find("retry refused: not an admin"));
    expect(await heldGauge()).toBe(4);
    expect(await command("retry", admin.id)).toContain("Queued 4 customer messages again");
    await waitFor(() => customerTexts(threadTs).length === 4);
    expect(customerTexts(threadTs)).toEqual(["Hello", "one", "two", "three"]);
  });

  it("answers a retry with arguments with what it takes", async () => {
    harness = await Harness.start();
    expect(await harness.command("retry now")).toContain("`retry` takes no arguments");
  });
});
