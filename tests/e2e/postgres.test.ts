import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type PostgresCluster, startPostgres } from "../support/postgres.js";
import { customerNumber, Harness, waitFor } from "./harness.js";

let cluster: PostgresCluster;
let databases = 0;
let harness: Harness;
let databaseUrl: string;

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  await cluster?.stop();
});

beforeEach(async () => {
  // Empty: the app migrates it at start, as it would a new production database.
  databaseUrl = await cluster.createDatabase(`e2e_${++databases}`);
  harness = await Harness.start({ environment: { DATABASE_URL: databaseUrl } });
});

afterEach(async () => {
  await harness.stop();
});

async function count(table: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(`SELECT COUNT(*)::int AS n FROM "${table}"`)).rows[0].n;
  } finally {
    await client.end();
  }
}

describe("Threadline on PostgreSQL (DATABASE_URL=postgresql://…)", () => {
  it("migrates the database, carries an SMS conversation both ways, and redoes nothing after a restart", async () => {
    await harness.connectInbox();
    for (const text of ["one", "two", "three"]) expect((await harness.sms(text)).status).toBe(200);
    await harness.sms("another customer", { from: "+15559990000" });

    await waitFor(() => harness.parents().length === 2);
    const parent = harness.parents().find((message) => message.text?.includes("+1 555 765 4321"));
    if (!parent) throw new Error("no parent for the first customer");
    await waitFor(() => harness.replies(parent.ts).length === 3);
    expect(harness.replies(parent.ts).map((message) => message.text)).toEqual(["one", "two", "three"]);

    await harness.reply(parent.ts, "Thanks, on its way");
    const sent = await waitFor(() =>
      harness.twilio.sent.find((message) => message.Body === "Thanks, on its way"),
    );
    expect(sent.To).toBe(customerNumber);
    expect((await harness.statusCallback(sent.sid, "delivered")).status).toBe(200);
    await waitFor(async () => (await count("DeliveryJob")) === 0);

    const health = await fetch(`${harness.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });

    const posted = harness.slack.topLevelMessages("C0SUPPORT").length;
    await harness.restart();
    await harness.sms("after the restart");
    await waitFor(() => harness.replies(parent.ts).some((message) => message.text === "after the restart"));
    await harness.idle();
    expect(harness.parents()).toHaveLength(2);
    expect(harness.slack.topLevelMessages("C0SUPPORT")).toHaveLength(posted);
    expect(harness.twilio.sent.filter((message) => message.Body === "Thanks, on its way")).toHaveLength(1);
    expect(await count("Message")).toBe(6);
    expect(await count("_prisma_migrations")).toBeGreaterThan(0);
  });

  it("starts a conversation from Slack, finds it by word and number, and refuses a start once the customer opts out", async () => {
    await harness.connectInbox();
    expect(await harness.command(`text ${customerNumber} Your refund was approved`)).toContain(
      "Sending to +1 555 765 4321",
    );
    const parent = await harness.waitForParent();
    const [sent] = await waitFor(() => harness.twilio.sent.length === 1 && harness.twilio.sent);
    // The status callback finds the reply by the id of the part Twilio accepted.
    expect((await harness.statusCallback(sent?.sid as string, "delivered")).status).toBe(200);
    await waitFor(() => harness.slack.reactions.some((reaction) => reaction.name === "white_check_mark"));

    const byWord = await harness.command("find REFUNDS approv");
    expect(byWord).toContain("No conversation in this channel's inboxes matches");
    const found = await harness.command("find refund approv");
    expect(found).toContain("*+1 555 765 4321*");
    expect(found).toContain("Agent: Your refund was approved");
    expect(await harness.command("find (555) 765-4321")).toContain("*+1 555 765 4321*");

    await harness.sms("STOP");
    await waitFor(() => harness.replies(parent.ts).some((message) => message.text === "STOP"));
    const refused = await harness.command(`text ${customerNumber} One more thing`);
    expect(refused).toContain("has opted out");
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(1);
  });

  it("answers /healthz 503 when the database is gone", async () => {
    const admin = new pg.Client({ connectionString: cluster.url("postgres") });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE "e2e_${databases}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    const health = await fetch(`${harness.baseUrl}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: "unavailable", reasons: ["database unreachable"] });
    expect(harness.logs.find("database connection error outside a request")).toBeDefined();
  });
});
