import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app.js";
import type { Config } from "../../src/config.js";
import { sqliteFilePath } from "../../src/db/migrate.js";
import { checkPorts } from "../../src/doctor/listening-ports.js";
import { checkPublicUrl, checkPublicUrlReaches } from "../../src/doctor/public-url.js";
import { exitCode, formatReport } from "../../src/doctor/report.js";
import type { CheckResult } from "../../src/doctor/result.js";
import { runDoctor } from "../../src/doctor/run.js";
import { GraphSimulator } from "../../src/simulators/meta/simulator.js";
import { SlackSimulator } from "../../src/simulators/slack/simulator.js";
import { TwilioSimulator } from "../../src/simulators/twilio/simulator.js";
import { migratedSqliteFile } from "../support/migrated-sqlite.js";
import { withTestPrisma } from "../support/prisma.js";
import { Harness } from "./harness.js";

let slack: SlackSimulator;
let twilio: TwilioSimulator;
let dir: string;

beforeEach(async () => {
  [slack, twilio] = await Promise.all([SlackSimulator.start(), TwilioSimulator.start()]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-doctor-"));
});

const occupied: net.Server[] = [];
const held = new Set<net.Socket>();

afterEach(async () => {
  // The doctor's probes may leave their connections open; closing a server waits for those.
  for (const socket of held) socket.destroy();
  held.clear();
  await Promise.all(occupied.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await Promise.all([slack.stop(), twilio.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

function environment(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_API_URL: twilio.baseUrl,
    // .invalid never resolves (RFC 2606), so the reachability probe stays off the network.
    PUBLIC_URL: "https://threadline.invalid",
    DATABASE_URL: `file:${path.join(dir, "threadline.db")}`,
    // Any free port: the defaults may be taken by whatever else runs on this machine.
    PORT: "0",
    METRICS_PORT: "0",
    ...overrides,
  };
}

/** `npm run doctor` in a child process, while this process keeps serving the fake Slack and Twilio. */
function doctorCommand(
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/doctor/main.ts"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { PATH: process.env.PATH ?? "", ...env, DOTENV_CONFIG_PATH: "/nonexistent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}

/** A port some other program holds: it accepts connections and never answers. */
async function occupiedPort(host: string): Promise<number> {
  const server = net.createServer((socket) => held.add(socket));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  occupied.push(server);
  return (server.address() as net.AddressInfo).port;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const configFor = (overrides: Record<string, string> = {}): Config => loadConfig(environment(overrides));

/** A migrated database whose inboxes are connected to these channels. */
async function connect(config: Config, channels: Record<string, string>): Promise<void> {
  await migratedSqliteFile(sqliteFilePath(config.databaseUrl));
  await withTestPrisma(config.databaseUrl, async (prisma) => {
    for (const [address, slackChannelId] of Object.entries(channels)) {
      await prisma.inbox.create({ data: { kind: "sms", address, slackChannelId } });
    }
  });
}

const byName = (results: CheckResult[], name: string) => {
  const found = results.find((result) => result.name === name);
  if (!found) throw new Error(`no check named ${name} in ${results.map((r) => r.name).join(", ")}`);
  return found;
};

describe("npm run doctor", () => {
  it("passes when everything is in order, and says what it found", async () => {
    slack.addChannel({ id: "C0SUPPORT", name: "support", members: [slack.botUserId] });
    const config = configFor();
    await connect(config, { "+15550001111": "C0SUPPORT" });
    const results = await runDoctor(config);
    // Nothing listens at the public URL in this test; that alone is only a warning.
    expect(results.filter((r) => r.status !== "ok").map((r) => r.name)).toEqual([
      "PUBLIC_URL reaches Threadline",
    ]);
    expect(exitCode(results)).toBe(0);
    const report = formatReport(results);
    expect(report).toContain("✔ Slack bot token: valid: threadline in Threadline Test");
    expect(report).toContain("✔ Channel for sms +15550001111: #support (C0SUPPORT), the app is a member");
    expect(report).toContain("All good (1 warning(s)).");
  });

  it("fails a bad bot token, with the fix, and skips what needs it", async () => {
    const results = await runDoctor(configFor({ SLACK_BOT_TOKEN: "xoxb-wrong" }));
    expect(byName(results, "Slack bot token")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("invalid_auth"),
      fix: expect.stringContaining("SLACK_BOT_TOKEN"),
    });
    expect(byName(results, "Slack scopes").status).toBe("skip");
    expect(byName(results, "Connected channels").status).toBe("skip");
    expect(exitCode(results)).toBe(1);
  });

  it("fails a bad app token without opening a socket", async () => {
    const results = await runDoctor(configFor({ SLACK_APP_TOKEN: "xapp-wrong" }));
    expect(byName(results, "Slack app token")).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("connections:write"),
    });
    expect(slack.connectionCount).toBe(0);
  });

  it("names the scopes the token lacks and how to grant them", async () => {
    slack.grantedScopes = slack.grantedScopes.filter(
      (scope) => scope !== "users:read" && scope !== "commands",
    );
    const results = await runDoctor(configFor());
    expect(byName(results, "Slack scopes")).toMatchObject({
      status: "fail",
      detail: "the bot token lacks commands, users:read",
      fix: expect.stringContaining("manifest.json"),
    });
  });

  it("fails bad Twilio credentials and a suspended account", async () => {
    const wrong = await runDoctor(configFor({ TWILIO_AUTH_TOKEN: "not-the-token" }));
    expect(byName(wrong, "Twilio credentials")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("HTTP 401"),
      fix: expect.stringContaining("TWILIO_AUTH_TOKEN"),
    });
    twilio.accountStatus = "suspended";
    const suspended = await runDoctor(configFor());
    expect(byName(suspended, "Twilio credentials")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("suspended"),
    });
    expect(twilio.requests.at(-1)?.path).toBe(`/2010-04-01/Accounts/${twilio.accountSid}.json`);
  });

  it("checks the Messenger Page access token by asking Graph which Page it belongs to", async () => {
    const graph = await GraphSimulator.start({ accessToken: "EAAG-page-token" });
    try {
      const messenger = {
        MESSENGER_PAGE_ACCESS_TOKEN: "EAAG-page-token",
        MESSENGER_APP_SECRET: "app-secret",
        MESSENGER_VERIFY_TOKEN: "verify",
        GRAPH_API_URL: graph.url,
      };
      const good = await runDoctor(configFor(messenger));
      expect(byName(good, "Messenger credentials")).toMatchObject({
        status: "ok",
        detail: expect.stringContaining(`"Threadline Test Page" (${graph.page.id})`),
      });
      const bad = await runDoctor(configFor({ ...messenger, MESSENGER_PAGE_ACCESS_TOKEN: "EAAG-expired" }));
      expect(byName(bad, "Messenger credentials")).toMatchObject({
        status: "fail",
        fix: expect.stringContaining("MESSENGER_PAGE_ACCESS_TOKEN"),
      });
      const off = await runDoctor(configFor());
      expect(off.some((result) => result.name === "Messenger credentials")).toBe(false);
      // SMS and WhatsApp share the Twilio account: its check appears once.
      expect(good.filter((result) => result.name === "Twilio credentials")).toHaveLength(1);
    } finally {
      await graph.stop();
    }
  });

  it("names the Instagram account linked to the Page, and warns when none is", async () => {
    const graph = await GraphSimulator.start({ accessToken: "EAAG-page-token" });
    try {
      const meta = {
        MESSENGER_PAGE_ACCESS_TOKEN: "EAAG-page-token",
        MESSENGER_APP_SECRET: "app-secret",
        MESSENGER_VERIFY_TOKEN: "verify",
        GRAPH_API_URL: graph.url,
      };
      const linked = await runDoctor(configFor(meta));
      expect(byName(linked, "Instagram account")).toMatchObject({
        status: "ok",
        detail: expect.stringContaining(`/threadline connect instagram ${graph.instagram?.id}`),
      });
      // Messenger and Instagram share the Page token: its check appears once.
      expect(linked.filter((result) => result.name === "Messenger credentials")).toHaveLength(1);
      graph.instagram = null;
      const unlinked = await runDoctor(configFor(meta));
      expect(byName(unlinked, "Instagram account")).toMatchObject({
        status: "warn",
        fix: expect.stringContaining("Linked accounts"),
      });
      const off = await runDoctor(configFor());
      expect(off.some((result) => result.name === "Instagram account")).toBe(false);
    } finally {
      await graph.stop();
    }
  });

  it("skips Twilio when SMS is not configured", async () => {
    const results = await runDoctor(configFor({ TWILIO_ACCOUNT_SID: "", TWILIO_AUTH_TOKEN: "" }));
    expect(byName(results, "Twilio credentials").status).toBe("skip");
  });

  it("warns when no customer channel is configured at all", async () => {
    slack.addChannel({ id: "C0SUPPORT", name: "support", members: [slack.botUserId] });
    const config = configFor({ TWILIO_ACCOUNT_SID: "", TWILIO_AUTH_TOKEN: "" });
    await connect(config, { "+15550001111": "C0SUPPORT" });
    const results = await runDoctor(config);
    expect(byName(results, "Customer channels")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("no customer channel is configured"),
      fix: expect.stringContaining(
        "Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN for sms and whatsapp, or MESSENGER_PAGE_ACCESS_TOKEN, MESSENGER_APP_SECRET, and MESSENGER_VERIFY_TOKEN for messenger",
      ),
    });
  });

  it("fails a port another program holds, naming its variable", async () => {
    const webhooks = await occupiedPort("0.0.0.0");
    const metrics = await occupiedPort("127.0.0.1");
    const results = await runDoctor(configFor({ PORT: String(webhooks), METRICS_PORT: String(metrics) }));
    expect(byName(results, "Webhook port")).toMatchObject({
      status: "fail",
      detail: `port ${webhooks} (PORT) is already in use by another program`,
      fix: expect.stringContaining("Set PORT to a free port"),
    });
    expect(byName(results, "Metrics port")).toMatchObject({
      status: "fail",
      detail: `port ${metrics} (METRICS_PORT) is already in use by another program`,
      fix: expect.stringContaining("Set METRICS_PORT to a free port"),
    });
    expect(exitCode(results)).toBe(1);
  });

  it("accepts the ports of a Threadline already running, and names a METRICS_HOST not of this machine", async () => {
    const harness = await Harness.start();
    try {
      const results = await checkPorts(
        { port: harness.app.httpPort, host: "0.0.0.0" },
        { port: harness.app.metricsPort, host: "127.0.0.1" },
      );
      expect(results).toMatchObject([
        {
          name: "Webhook port",
          status: "ok",
          detail: expect.stringContaining("in use by a running Threadline"),
        },
        {
          name: "Metrics port",
          status: "ok",
          detail: expect.stringContaining("in use by a running Threadline"),
        },
      ]);
    } finally {
      await harness.stop();
    }
    const [, clash] = await checkPorts({ port: 4400, host: "0.0.0.0" }, { port: 4400, host: "127.0.0.1" });
    expect(clash).toMatchObject({ status: "fail", detail: "METRICS_PORT and PORT are both 4400" });
    // 192.0.2.0/24 is reserved for documentation (RFC 5737): never an address of this machine.
    const [, metrics] = await checkPorts({ port: 0, host: "0.0.0.0" }, { port: 9464, host: "192.0.2.1" });
    expect(metrics).toMatchObject({
      status: "fail",
      detail: "192.0.2.1 (METRICS_HOST) is not an address of this machine",
    });
  });

  it("fails each connected channel that is archived, gone, or lacks the app", async () => {
    slack.addChannel({ id: "C0ARCHIVED", name: "old-support", members: [slack.botUserId], archived: true });
    slack.addChannel({ id: "C0NOAPP", name: "sales", members: [] });
    const config = configFor();
    await connect(config, {
      "+15550000001": "C0ARCHIVED",
      "+15550000002": "C0GONE",
      "+15550000003": "C0NOAPP",
    });
    const results = await runDoctor(config);
    expect(byName(results, "Channel for sms +15550000001")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("archived"),
      fix: expect.stringContaining("Unarchive #old-support"),
    });
    expect(byName(results, "Channel for sms +15550000002")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("no longer exists"),
      fix: expect.stringContaining("/threadline connect sms +15550000002"),
    });
    expect(byName(results, "Channel for sms +15550000003")).toMatchObject({
      status: "fail",
      detail: "the app is not a member of #sales (C0NOAPP)",
      fix: "Run `/invite @Threadline` in #sales.",
    });
  });

  it("fails a database path that cannot be written, and skips the channel checks", async () => {
    const blocker = path.join(dir, "not-a-folder");
    fs.writeFileSync(blocker, "");
    const results = await runDoctor(configFor({ DATABASE_URL: `file:${blocker}/threadline.db` }));
    expect(byName(results, "Database")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("is a file"),
      fix: expect.stringContaining("DATABASE_URL"),
    });
    expect(byName(results, "Connected channels").status).toBe("skip");
  });

  it("fails a SQLite driver that cannot load, with the rebuild command, and skips what needs it", async () => {
    const notAnAddon = path.join(dir, "better_sqlite3.node");
    fs.writeFileSync(notAnAddon, "this is not a shared library");
    const results = await runDoctor(configFor(), { sqliteNativeBinding: notAnAddon });
    expect(byName(results, "SQLite driver")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("cannot be loaded"),
      fix: expect.stringContaining("npm rebuild better-sqlite3"),
    });
    expect(byName(results, "Database").status).toBe("skip");
    expect(byName(results, "Connected channels").status).toBe("skip");
    expect(exitCode(results)).toBe(1);
  });

  it("accepts a database that does not exist yet, and warns about migrations not applied", async () => {
    const fresh = await runDoctor(configFor());
    expect(byName(fresh, "Database")).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("created"),
    });
    expect(fs.existsSync(path.join(dir, "threadline.db"))).toBe(false);

    const config = configFor();
    await migratedSqliteFile(sqliteFilePath(config.databaseUrl));
    const migrationsDir = path.join(dir, "migrations");
    fs.cpSync(path.resolve(import.meta.dirname, "../../prisma/migrations"), migrationsDir, {
      recursive: true,
    });
    fs.mkdirSync(path.join(migrationsDir, "29990101000000_later"));
    fs.writeFileSync(path.join(migrationsDir, "29990101000000_later", "migration.sql"), "SELECT 1;");
    const behind = await runDoctor(config, { migrationsDir });
    expect(byName(behind, "Database")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("29990101000000_later"),
    });
  });

  it("skips the channel checks of a database that has no tables yet, instead of failing", async () => {
    fs.writeFileSync(path.join(dir, "threadline.db"), "");
    const results = await runDoctor(configFor());
    expect(byName(results, "Database")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("not applied yet"),
    });
    expect(byName(results, "Connected channels")).toMatchObject({
      status: "skip",
      detail: expect.stringContaining("Inbox"),
    });
  });

  it("tells whether PUBLIC_URL leads to a running Threadline", async () => {
    const harness = await Harness.start();
    try {
      expect(await checkPublicUrlReaches(harness.baseUrl)).toMatchObject({ status: "ok" });
      expect(await checkPublicUrlReaches(twilio.baseUrl)).toMatchObject({
        status: "warn",
        detail: expect.stringContaining("not like Threadline"),
      });
    } finally {
      await harness.stop();
    }
    expect(await checkPublicUrlReaches(harness.baseUrl)).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("could not reach"),
      fix: expect.stringContaining("start it"),
    });
  });

  it("checks that PUBLIC_URL is a bare https origin", () => {
    expect(checkPublicUrl("https://inbox.acme-support.com").status).toBe("ok");
    expect(checkPublicUrl("http://inbox.acme-support.com")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("not https"),
    });
    expect(checkPublicUrl("https://inbox.acme-support.com/hooks?x=1")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/path \(\/hooks\).*query string/),
    });
    expect(checkPublicUrl("https://localhost:3000").status).toBe("warn");
  });

  it("fails the placeholder PUBLIC_URL of .env.example, and other example domains", async () => {
    for (const placeholder of [
      "https://threadline.example.com",
      "https://example.org",
      "https://inbox.example",
    ]) {
      expect(checkPublicUrl(placeholder), placeholder).toMatchObject({
        status: "fail",
        detail: expect.stringContaining("is the example from .env.example"),
        fix: expect.stringContaining("Set PUBLIC_URL to the https address of your tunnel or reverse proxy"),
      });
    }
    expect(await checkPublicUrlReaches("https://threadline.example.com")).toMatchObject({ status: "skip" });
  });

  // tsx compiles the app on each start, which takes seconds.
  it("runs as a command: prints the checklist and exits 1 when something is wrong", async () => {
    const run = await doctorCommand(environment({ SLACK_BOT_TOKEN: "xoxb-wrong" }));
    expect(run.stdout).toContain("✖ Slack bot token");
    expect(run.stdout).toContain("fix: Copy the Bot User OAuth Token");
    expect(run.stdout).not.toContain("xoxb-wrong");
    expect(run.status).toBe(1);
  }, 60_000);

  it("runs as a command: Slack out of reach gets the network's fix, and nothing but the checklist is printed", async () => {
    const closed = await closedPort();
    const run = await doctorCommand(environment({ SLACK_API_URL: `http://127.0.0.1:${closed}/api/` }));
    expect(run.stdout).toMatch(/^✔ PUBLIC_URL: /);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("✖ Slack bot token: Slack could not be reached (auth.test)");
    expect(run.stdout).toContain("✖ Slack app token: Slack could not be reached (apps.connections.open)");
    expect(run.stdout).toContain("fix: Check this machine's network connection");
    expect(run.stdout).not.toContain("Copy the Bot User OAuth Token");
    expect(run.stdout).not.toContain("App-Level Tokens");
    expect(run.status).toBe(1);
  }, 60_000);

  it("runs as a command: lists every bad variable when the configuration is invalid", () => {
    const invalid = spawnSync(process.execPath, ["--import", "tsx", "src/doctor/main.ts"], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: { PATH: process.env.PATH ?? "", DOTENV_CONFIG_PATH: "/nonexistent" },
      encoding: "utf8",
      timeout: 45_000,
    });
    expect(invalid.stdout).toContain("✖ Configuration: SLACK_BOT_TOKEN is required");
    expect(invalid.status).toBe(1);
  }, 60_000);
});
