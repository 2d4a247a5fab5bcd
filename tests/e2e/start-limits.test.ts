import { afterEach, describe, expect, it } from "vitest";
import { agent, customerNumber, Harness, type HarnessOptions, supportChannel, waitFor } from "./harness.js";

/*
 * `/threadline text` reaches strangers, may cost money and speaks as the business: it is limited to the people
 * named in THREADLINE_SENDERS (else anyone in the channel), to numbers in SMS_COUNTRIES (else the countries of
 * the connected numbers) and to TEXT_LIMIT_PER_HOUR starts per person, counted in the database so a restart
 * or another instance doesn't reset it. Each refusal says which limit and what is allowed, and sends nothing.
 */

const bruno = { id: "U0BRUNO", name: "bruno", realName: "Bruno Costa", displayName: "Bruno" };
const ukNumber = "+447700900123";
const satelliteNumber = "+881612345678";

let harness: Harness;
/** How far the app's clock is ahead of the wall clock. */
let ahead = 0;

async function start(options: HarnessOptions = {}): Promise<void> {
  ahead = 0;
  harness = await Harness.start({ ...options, overrides: { now: () => Date.now() + ahead } });
  harness.slack.addUser(bruno);
  harness.slack.channels.get(supportChannel)?.members.add(bruno.id);
  await harness.connectInbox();
}

afterEach(async () => {
  await harness.stop();
});

const textAs = async (user: string, text: string) =>
  String((await harness.slack.slashCommand({ channel_id: supportChannel, user_id: user, text })).text ?? "");

/** Refusals are logged with their reason; the count says how many were. */
const refusals = () => harness.logs.lines.filter((line) => line.msg === "conversation not started");

describe("who may text customers first", () => {
  it("only the people in THREADLINE_SENDERS, when it is set", async () => {
    await start({ environment: { THREADLINE_SENDERS: agent.id } });
    const refused = await textAs(bruno.id, `text ${customerNumber} Hello`);
    expect(refused).toBe(
      `Only some people may text customers first from Slack (THREADLINE_SENDERS): <@${agent.id}>. Ask one of them. Nothing was sent.`,
    );
    expect(refusals()).toHaveLength(1);
    expect(refusals()[0]).toMatchObject({ userId: bruno.id });
    expect(await textAs(agent.id, `text ${customerNumber} Hello`)).toContain("Sending to");
    await waitFor(() => harness.twilio.sent.length === 1);
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["Hello"]);
  });

  it("anyone in the channel when it is unset, but not someone outside it", async () => {
    await start();
    harness.slack.addUser({ id: "U0OUTSIDE", name: "olga", realName: "Olga Outside" });
    expect(await textAs("U0OUTSIDE", `text ${customerNumber} Hello`)).toBe(
      `Only members of <#${supportChannel}> can text customers from it; join the channel first. Nothing was sent.`,
    );
    expect(refusals()[0]).toMatchObject({ userId: "U0OUTSIDE" });
    expect(await textAs(bruno.id, `text ${customerNumber} Hello`)).toContain("Sending to");
    await waitFor(() => harness.twilio.sent.length === 1);
  });
});

describe("which numbers may be texted", () => {
  it("by default only numbers in the countries of the connected numbers", async () => {
    await start();
    expect(await harness.command(`text ${ukNumber} Hello`)).toBe(
      "+44 7700 900123 is a number in United Kingdom (GB). Texts from Slack may go only to numbers in: United States (US) (the countries of the connected numbers). Nothing was sent.",
    );
    expect(await harness.command(`text ${satelliteNumber} Hello`)).toBe(
      "+881 6 123 45678 is not a number in any country (an international network, such as satellite phones). Texts from Slack may go only to numbers in: United States (US) (the countries of the connected numbers). Nothing was sent.",
    );
    // Logged with the country's reason, never the number.
    expect(refusals().map((line) => line.reason)).toEqual([
      expect.stringMatching(/^<number> is a number in United Kingdom \(GB\)/),
      expect.stringMatching(/^<number> is not a number in any country/),
    ]);
    // At info and above: Bolt's debug traces quote what people typed (docs/INSTALL.md says so).
    const logged = harness.logs.lines.filter((line) => Number(line.level) >= 30);
    expect(JSON.stringify(logged)).not.toMatch(/7700 ?900 ?123|6 ?123 ?45678/);
    expect(await harness.command(`text ${customerNumber} Hello`)).toContain("Sending to");
    await waitFor(() => harness.twilio.sent.length === 1);
    expect(harness.twilio.sent.map((m) => m.To)).toEqual([customerNumber]);
  });

  it("the countries in SMS_COUNTRIES when it is set", async () => {
    await start({ environment: { SMS_COUNTRIES: "gb, fr" } });
    expect(await harness.command(`text ${customerNumber} Hello`)).toContain(
      "is a number in United States (US). Texts from Slack may go only to numbers in: United Kingdom (GB), France (FR) (the countries this server allows).",
    );
    expect(await harness.command(`text ${ukNumber} Hello`)).toContain("Sending to +44 7700 900123");
    await waitFor(() => harness.twilio.sent.length === 1);
    expect(harness.twilio.sent.map((m) => m.To)).toEqual([ukNumber]);
  });
});

describe("how many conversations one person may start", () => {
  it("at most TEXT_LIMIT_PER_HOUR an hour, still counted after a restart, per person", async () => {
    await start({ environment: { TEXT_LIMIT_PER_HOUR: "2" } });
    expect(await harness.command("text +15557650001 One")).toContain("Sending to");
    expect(await harness.command("text +15557650002 Two")).toContain("Sending to");
    const limit =
      "You have started 2 conversations from Slack in the last hour, the most one person may (TEXT_LIMIT_PER_HOUR is 2). Try again later, or answer in the customers' threads, which is not limited. Nothing was sent.";
    expect(await harness.command("text +15557650003 Three")).toBe(limit);

    await harness.restart();
    expect(await harness.command("text +15557650003 Three")).toBe(limit);
    expect(refusals()).toHaveLength(2);
    // Someone else has their own count.
    expect(await textAs(bruno.id, "text +15557650003 Three")).toContain("Sending to");
    await waitFor(() => harness.twilio.sent.length === 3);
    expect(harness.twilio.sent.map((m) => m.Body)).toEqual(["One", "Two", "Three"]);

    // An hour later the agent may start conversations again.
    ahead = 3_600_000 + 1_000;
    expect(await harness.command("text +15557650004 Four")).toContain("Sending to");
  });
});
