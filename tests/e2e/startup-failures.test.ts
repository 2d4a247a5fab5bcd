import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SlackSimulator } from "../../src/simulators/slack/simulator.js";
import { buildIfStale, type Ended, expectOnePlainLine, runMain } from "./start-failure-process.js";

let slack: SlackSimulator;
let dir: string;
const occupied: net.Server[] = [];

beforeAll(buildIfStale);

beforeEach(async () => {
  slack = await SlackSimulator.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-start-"));
});

afterEach(async () => {
  await Promise.all(occupied.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await slack.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A port some other program holds, on `host`. */
async function occupiedPort(host: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  occupied.push(server);
  return (server.address() as net.AddressInfo).port;
}

/** `npm start` with a working environment but for `overrides`. */
function start(overrides: Record<string, string>): Promise<Ended> {
  return runMain({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    PUBLIC_URL: "https://threadline.invalid",
    DATABASE_URL: `file:${path.join(dir, "threadline.db")}`,
    PORT: "0",
    METRICS_PORT: "0",
    ...overrides,
  });
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("npm start, when something outside the code is wrong", () => {
  it("names PORT when the webhook port is taken", async () => {
    const port = await occupiedPort("0.0.0.0");
    const line = expectOnePlainLine(await start({ PORT: String(port) }));
    expect(line).toContain(`port ${port} (PORT) is already in use by another program`);
    expect(line).toContain("Set PORT to a free port");
  });

  it("names METRICS_PORT when the metrics port is taken", async () => {
    const port = await occupiedPort("127.0.0.1");
    const line = expectOnePlainLine(await start({ METRICS_PORT: String(port) }));
    expect(line).toContain(`port ${port} (METRICS_PORT) is already in use by another program`);
    expect(line).toContain("Set METRICS_PORT to a free port");
  });

  it("says PORT and METRICS_PORT clash when they are the same port", async () => {
    const port = await closedPort();
    const line = expectOnePlainLine(await start({ PORT: String(port), METRICS_PORT: String(port) }));
    expect(line).toContain(`METRICS_PORT and PORT are both ${port}`);
    expect(line).toContain("Give METRICS_PORT a port of its own");
  });

  it("names METRICS_HOST when it is not an address of this machine", async () => {
    // 192.0.2.0/24 is reserved for documentation (RFC 5737): never assigned to this machine.
    const line = expectOnePlainLine(await start({ METRICS_HOST: "192.0.2.1" }));
    expect(line).toContain("192.0.2.1 (METRICS_HOST) is not an address of this machine");
  });

  it("says Slack could not be reached, without the SDK's stack", async () => {
    const port = await closedPort();
    const apiUrl = `http://127.0.0.1:${port}/api/`;
    const line = expectOnePlainLine(await start({ SLACK_API_URL: apiUrl }));
    expect(line).toContain(
      `Slack could not be reached at ${apiUrl} (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
    expect(line).toContain("SLACK_API_URL");
  });

  it("names the token Slack refused", async () => {
    const bot = expectOnePlainLine(await start({ SLACK_BOT_TOKEN: "xoxb-not-this-app" }));
    expect(bot).toContain("Slack refused SLACK_BOT_TOKEN (invalid_auth)");
    const app = expectOnePlainLine(await start({ SLACK_APP_TOKEN: "xapp-not-this-app" }));
    expect(app).toContain("Slack refused SLACK_APP_TOKEN (invalid_auth)");
  });

  it("says a SQLite database cannot be created, not that a migration failed", async () => {
    const aFile = path.join(dir, "not-a-folder");
    fs.writeFileSync(aFile, "");
    const line = expectOnePlainLine(await start({ DATABASE_URL: `file:${aFile}/threadline.db` }));
    expect(line).toContain(`the SQLite database ${aFile}/threadline.db cannot be created or opened`);
    expect(line).toContain("Point DATABASE_URL at a file in a folder this user can write to");
  });

  it("says a PostgreSQL server cannot be reached, not that a migration failed", async () => {
    const port = await closedPort();
    const line = expectOnePlainLine(
      await start({ DATABASE_URL: `postgresql://threadline:secret@127.0.0.1:${port}/threadline` }),
    );
    expect(line).toContain(`cannot connect to PostgreSQL 127.0.0.1:${port}/threadline`);
    expect(line).toContain("Check the host and port in DATABASE_URL");
    expect(line).not.toContain("secret");
  });
});
