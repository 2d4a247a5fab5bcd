import Database from "better-sqlite3";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { events, notification } from "../../src/simulators/meta/payloads.js";
import {
  CapturedLogs,
  customerNumber,
  Harness,
  inboxNumber,
  messenger,
  publicUrl,
  waitFor,
} from "./harness.js";

/*
 * Twilio drops a message it got a 5xx for (unless the webhook URL asks for retries), and Meta sends it again:
 * the answer must say whether the message was committed, whatever else failed.
 */

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** The app's logger, except that the line written right after an inbound message is committed fails. */
function loggerFailingAfterCommit(logs: CapturedLogs) {
  return pino(
    {
      level: "debug",
      hooks: {
        logMethod(args, method) {
          if (args.includes("inbound message recorded")) throw new Error("log sink unavailable");
          method.apply(this, args);
        },
      },
    },
    logs.stream,
  );
}

describe("a failure after the message is committed", () => {
  it("still answers Twilio 200 with TwiML, and the message reaches Slack", async () => {
    const logs = new CapturedLogs();
    harness = await Harness.start({ overrides: { logger: loggerFailingAfterCommit(logs) } });
    await harness.connectInbox();
    const answer = await harness.sms("Is my order ready?");
    expect(answer.status).toBe(200);
    expect(answer.body).toContain("<Response/>");
    const parent = await harness.waitForParent();
    await waitFor(() => harness?.replies(parent.ts).some((m) => m.text === "Is my order ready?"));
    expect(logs.find("webhook failed after its message was committed: answered as received")).toMatchObject({
      providerMessageId: answer.messageSid,
    });
  });

  it("still answers Meta 200 EVENT_RECEIVED", async () => {
    const logs = new CapturedLogs();
    harness = await Harness.start({ overrides: { logger: loggerFailingAfterCommit(logs) } });
    harness.graph.profiles.set(messenger.psid, { first_name: "Peter", last_name: "Chang", profile_pic: "" });
    await harness.command(`connect messenger ${messenger.pageId}`);
    const answer = await harness.messengerWebhook(
      notification([
        { pageId: messenger.pageId, events: [events.text(messenger.pageId, messenger.psid, "Hi")] },
      ]),
    );
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe("EVENT_RECEIVED");
    const parent = await harness.waitForParent();
    await waitFor(() => harness?.replies(parent.ts).some((m) => m.text === "Hi"));
  });
});

describe("a database that cannot commit", () => {
  it("answers 503 and keeps nothing, so the provider's retry records the message once", async () => {
    harness = await Harness.start();
    await harness.connectInbox();
    // Another process holds the write lock longer than the app waits for it.
    const other = new Database(harness.databaseUrl.slice("file:".length));
    other.exec("BEGIN IMMEDIATE");
    const refused = await harness.sms("Sent while the database is locked");
    expect(refused.status).toBe(503);
    expect(harness.logs.find(/^webhook message not recorded/)).toMatchObject({
      providerMessageId: refused.messageSid,
    });
    other.exec("ROLLBACK");
    other.close();

    const retried = await harness.sms("Sent while the database is locked", {
      messageSid: refused.messageSid,
    });
    expect(retried.status).toBe(200);
    const parent = await harness.waitForParent();
    await waitFor(() => harness?.replies(parent.ts).length === 1);
    expect(harness.replies(parent.ts)[0]?.text).toBe("Sent while the database is locked");
  });
});

describe("Twilio connection overrides", () => {
  it("validates a webhook whose configured URL carries #rc=…&rp=… (the fragment is not sent)", async () => {
    harness = await Harness.start();
    await harness.connectInbox();
    const answer = await harness.twilio.sendInbound({
      webhookUrl: `${harness.baseUrl}/webhooks/twilio`,
      publicUrl: `${publicUrl}/webhooks/twilio#rc=3&rp=all&ct=2000`,
      from: customerNumber,
      to: inboxNumber,
      body: "With connection overrides",
    });
    expect(answer.status).toBe(200);
    await harness.waitForParent();
  });
});
