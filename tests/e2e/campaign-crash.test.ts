import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextSendingTime, recipientZones } from "../../src/core/campaigns/recipient-hours.js";
import { SlackSimulator } from "../../src/simulators/slack/simulator.js";
import type { Ephemeral } from "../../src/simulators/slack/types.js";
import { TwilioSimulator } from "../../src/simulators/twilio/simulator.js";
import { waitFor } from "../../src/simulators/wait.js";
import { migratedSqliteUrl } from "../support/migrated-sqlite.js";
import { freePort, Instance } from "./app-instances.js";
import { agent, inboxNumber, publicUrl, supportChannel } from "./harness.js";

/*
 * A campaign is sent to each recipient exactly once across a SIGKILL of `node dist/main.js` at the worst moment:
 * Twilio has accepted a message (it is in its log) and the process dies before it hears the answer, so our
 * record of it is never written. After the restart the recipient is found in the provider's log, not texted again.
 */

const projectRoot = path.resolve(import.meta.dirname, "../..");

/** Numbers of a place where it is 09:00–20:00 now (campaigns wait for the morning elsewhere), and its country. */
function numbersInHours(): { numbers: string[]; country: string } {
  const places = [
    { country: "GB", base: "+4477009001", sample: "+447700900100" },
    { country: "US", base: "+1212555010", sample: "+12125550100" },
    { country: "US", base: "+1415555010", sample: "+14155550100" },
    { country: "JP", base: "+8190123456", sample: "+819012345600" },
    { country: "AU", base: "+6141234567", sample: "+61412345670" },
  ];
  const now = Date.now();
  // With a margin: the test takes well under ten minutes.
  const open = places.find(({ country, sample }) =>
    [now, now + 600_000].every((at) => nextSendingTime(recipientZones(sample, country), at) === at),
  );
  if (!open) throw new Error("no place in the table is within 09:00-20:00 now");
  return { numbers: [0, 1, 2, 3, 4, 5].map((n) => `${open.base}${n}`), country: open.country };
}

let slack: SlackSimulator;
let twilio: TwilioSimulator;
let app: Instance;
let databaseDir: string;

beforeEach(async () => {
  execFileSync(process.execPath, ["scripts/build.mjs", "--if-stale"], { cwd: projectRoot, stdio: "ignore" });
  [slack, twilio] = await Promise.all([SlackSimulator.start(), TwilioSimulator.start()]);
  slack.addUser({ id: agent.id, name: agent.name, realName: agent.realName, displayName: agent.displayName });
  slack.addChannel({ id: supportChannel, name: "support", members: [slack.botUserId, agent.id] });
  databaseDir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-campaign-crash-"));
});

afterEach(async () => {
  await app.stop("SIGKILL");
  await Promise.all([slack.stop(), twilio.stop()]);
  fs.rmSync(databaseDir, { recursive: true, force: true });
});

const command = async (text: string) =>
  String((await slack.slashCommand({ channel_id: supportChannel, user_id: agent.id, text })).text ?? "");

/** `node dist/main.js` on a fresh database, texting in `country` at 5 campaign messages a second. */
async function startApp(country: string): Promise<void> {
  app = new Instance(await freePort(), {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_API_URL: twilio.baseUrl,
    PUBLIC_URL: publicUrl,
    METRICS_PORT: "0",
    DATABASE_URL: await migratedSqliteUrl(path.join(databaseDir, "threadline.db")),
    LOG_LEVEL: "info",
    SMS_COUNTRIES: country,
    CAMPAIGN_RATE_PER_SECOND: "5",
  });
  await app.start();
  expect(await command(`connect sms ${inboxNumber}`)).toContain("Connected");
}

/** The numbers text the inbox and are tagged `vip`. */
async function tagged(numbers: readonly string[]): Promise<void> {
  for (const number of numbers) {
    await twilio.sendInbound({
      webhookUrl: app.webhookUrl,
      publicUrl: `${publicUrl}/webhooks/twilio`,
      from: number,
      to: inboxNumber,
      body: "Hi",
    });
  }
  await waitFor(() => slack.topLevelMessages(supportChannel).length === numbers.length);
  for (const number of numbers) expect(await command(`tag ${number} vip`)).toContain("`vip`");
}

const progressMessages = () =>
  slack.topLevelMessages(supportChannel).filter((message) => message.text.startsWith("📣 Campaign"));

describe("a campaign across a SIGKILL", () => {
  it("sends to each recipient exactly once when the process dies between Twilio's accept and our record", async () => {
    const { numbers, country } = numbersInHours();
    await startApp(country);
    await tagged(numbers);
    const answer = await command("campaign #vip Spring sale");
    expect(answer).toContain(`It will reach *${numbers.length} customers*`);
    const preview = slack.ephemerals.findLast((e) => e.via === "command_ack") as Ephemeral;
    const campaignSent = () => twilio.sent.filter((message) => message.Body.startsWith("Spring sale"));
    // From the third message on, Twilio accepts and answers 30 s later: the process dies before it hears.
    const slowDown = twilio.changes.subscribe(() => {
      if (campaignSent().length === 2) twilio.answerDelayMs = 30_000;
    });
    await slack.blockAction(
      slack.buildEphemeralButtonClick({ ephemeral: preview, actionId: "threadline.campaignSend" }),
    );
    await waitFor(() => campaignSent().length === 3, { timeoutMs: 20_000 });
    await app.stop("SIGKILL");
    slowDown();
    twilio.answerDelayMs = 0;

    await app.start();
    const progress = () =>
      slack.topLevelMessages(supportChannel).find((message) => message.text.startsWith("📣 Campaign"));
    await waitFor(() => progress()?.text.includes("✅ *Finished*"), { timeoutMs: 30_000 });
    expect(
      campaignSent()
        .map((message) => message.To)
        .sort(),
    ).toEqual([...numbers].sort());
    expect(progress()?.text).toContain(`sent ${numbers.length} of ${numbers.length}`);
    // The restarted app took the campaign up, and settled the third from Twilio's log instead of sending it again.
    expect(app.output).toContain("campaigns taken up");
    expect(app.output).toContain("campaign message found sent");
  }, 90_000);

  it("posts one progress message when the process dies between Slack's accept of it and our record", async () => {
    const { numbers, country } = numbersInHours();
    await startApp(country);
    await tagged(numbers.slice(0, 2));
    await command("campaign #vip Spring sale");
    const preview = slack.ephemerals.findLast((e) => e.via === "command_ack") as Ephemeral;
    // Slack takes the progress message and answers 30 s later: the process dies before it hears.
    slack.apiAnswerDelayMs = 30_000;
    await slack.blockAction(
      slack.buildEphemeralButtonClick({ ephemeral: preview, actionId: "threadline.campaignSend" }),
    );
    await waitFor(() => progressMessages().length === 1, { timeoutMs: 20_000 });
    await app.stop("SIGKILL");
    slack.apiAnswerDelayMs = 0;

    await app.start();
    await waitFor(() => progressMessages()[0]?.text.includes("✅ *Finished*"), { timeoutMs: 30_000 });
    expect(progressMessages()).toHaveLength(1);
    expect(progressMessages()[0]?.text).toContain("sent 2 of 2");
  }, 90_000);
});
