import fs from "node:fs";
import net from "node:net";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app.js";
import type { Config } from "../../src/config.js";
import { exitCode } from "../../src/doctor/report.js";
import type { CheckResult } from "../../src/doctor/result.js";
import { runDoctor } from "../../src/doctor/run.js";
import { SlackSimulator } from "../../src/simulators/slack/simulator.js";
import { TwilioSimulator } from "../../src/simulators/twilio/simulator.js";
import { type PostgresCluster, startPostgres } from "../support/postgres.js";
import { waitFor } from "./harness.js";

let cluster: PostgresCluster;
let databases = 0;
let slack: SlackSimulator;
let twilio: TwilioSimulator;

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  await cluster?.stop();
});

beforeEach(async () => {
  [slack, twilio] = await Promise.all([SlackSimulator.start(), TwilioSimulator.start()]);
});

afterEach(async () => {
  await Promise.all([slack.stop(), twilio.stop()]);
});

const configFor = (databaseUrl: string): Config =>
  loadConfig({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_API_URL: twilio.baseUrl,
    // .invalid never resolves (RFC 2606), so the reachability probe stays off the network.
    PUBLIC_URL: "https://threadline.invalid",
    DATABASE_URL: databaseUrl,
  });

const byName = (results: CheckResult[], name: string) => {
  const found = results.find((result) => result.name === name);
  if (!found) throw new Error(`no check named ${name} in ${results.map((r) => r.name).join(", ")}`);
  return found;
};

async function connectInbox(databaseUrl: string, address: string, slackChannelId: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "Inbox" ("kind", "address", "slackChannelId", "updatedAt") VALUES ('sms', $1, $2, now())`,
      [address, slackChannelId],
    );
  } finally {
    await client.end();
  }
}

/**
 * A role that must log in with its password: the throwaway cluster trusts every local user, so this role gets a
 * pg_hba.conf line of its own asking for scram, as a production server would.
 */
async function passwordRole(name: string, password: string): Promise<void> {
  const client = new pg.Client({ connectionString: cluster.url("postgres") });
  await client.connect();
  try {
    await client.query(`CREATE ROLE "${name}" LOGIN PASSWORD '${password}'`);
    const hbaFile: string = (await client.query("SHOW hba_file")).rows[0].hba_file;
    const rules = fs.readFileSync(hbaFile, "utf8");
    fs.writeFileSync(hbaFile, `host all ${name} 127.0.0.1/32 scram-sha-256\n${rules}`);
    await client.query("SELECT pg_reload_conf()");
  } finally {
    await client.end();
  }
  // The server rereads pg_hba.conf after the reload signal: wait until it asks this role for its password.
  const url = new URL(cluster.url("postgres"));
  url.username = name;
  url.password = `not-${password}`;
  await waitFor(async () => {
    const attempt = new pg.Client({ connectionString: url.toString() });
    try {
      await attempt.connect();
      await attempt.end();
      return false;
    } catch {
      return true;
    }
  });
}

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe("npm run doctor with DATABASE_URL=postgresql://…", () => {
  it("passes a migrated database and checks its connected channels", async () => {
    slack.addChannel({ id: "C0SUPPORT", name: "support", members: [slack.botUserId] });
    slack.addChannel({ id: "C0NOAPP", name: "sales", members: [] });
    const url = await cluster.migratedDatabase(`doctor_${++databases}`);
    await connectInbox(url, "+15550001111", "C0SUPPORT");
    await connectInbox(url, "+15550002222", "C0NOAPP");
    const results = await runDoctor(configFor(url));
    expect(byName(results, "Database")).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("reachable and fully migrated"),
    });
    expect(byName(results, "SQLite driver").status).toBe("skip");
    expect(byName(results, "Channel for sms +15550001111")).toMatchObject({ status: "ok" });
    expect(byName(results, "Channel for sms +15550002222")).toMatchObject({
      status: "fail",
      fix: "Run `/invite @Threadline` in #sales.",
    });
    expect(results.map((r) => r.detail).join("\n")).not.toContain("Not a SQLite file URL");
  });

  it("warns about the pending migrations of an unmigrated database and skips the channels", async () => {
    const url = await cluster.createDatabase(`doctor_${++databases}`);
    const results = await runDoctor(configFor(url));
    expect(byName(results, "Database")).toMatchObject({
      status: "warn",
      detail: expect.stringMatching(/\d+ migration\(s\) not applied yet \(\d{14}_/),
      fix: expect.stringContaining("npm start"),
    });
    expect(byName(results, "Connected channels")).toMatchObject({
      status: "skip",
      detail: expect.stringContaining("Inbox"),
    });
    expect(exitCode(results)).toBe(0);
  });

  it("fails a migration that started and never finished", async () => {
    const url = await cluster.migratedDatabase(`doctor_${++databases}`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(
      "UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = (SELECT MAX(migration_name) FROM _prisma_migrations)",
    );
    await client.end();
    const results = await runDoctor(configFor(url));
    expect(byName(results, "Database")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("did not finish"),
      fix: expect.stringContaining("prisma migrate resolve"),
    });
    expect(exitCode(results)).toBe(1);
  });

  it("fails a missing database, a wrong password, an unknown user and a closed port, each with its fix", async () => {
    const missing = await runDoctor(configFor(cluster.url("no_such_database")));
    expect(byName(missing, "Database")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining('database "no_such_database" does not exist'),
      fix: expect.stringContaining("create it"),
    });
    expect(byName(missing, "Connected channels").status).toBe("skip");
    expect(exitCode(missing)).toBe(1);

    await passwordRole("operator", "right-password");
    const url = new URL(cluster.url("postgres"));
    url.username = "operator";
    url.password = "wrong-password";
    const wrongPassword = await runDoctor(configFor(url.toString()));
    expect(byName(wrongPassword, "Database")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining('password authentication failed for user "operator"'),
      fix: expect.stringContaining("user name or password"),
    });
    expect(byName(wrongPassword, "Database").detail).not.toContain("wrong-password");

    const stranger = cluster.url("postgres").replace("postgres@", "stranger:wrong@");
    const refused = await runDoctor(configFor(stranger));
    expect(byName(refused, "Database")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining('role "stranger" does not exist'),
      fix: expect.stringContaining("user name or password"),
    });
    expect(byName(refused, "Database").detail).not.toContain("wrong");

    const closed = await runDoctor(
      configFor(`postgresql://postgres@127.0.0.1:${await closedPort()}/postgres`),
    );
    expect(byName(closed, "Database")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("ECONNREFUSED"),
      fix: expect.stringContaining("host name and port"),
    });
  });
});
