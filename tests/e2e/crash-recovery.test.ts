import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SlackSimulator } from "../../src/simulators/slack/simulator.js";
import { TwilioSimulator } from "../../src/simulators/twilio/simulator.js";
import { waitFor } from "../../src/simulators/wait.js";
import { migratedSqliteUrl } from "../support/migrated-sqlite.js";
import { agent, customerNumber, inboxNumber, publicUrl, supportChannel } from "./harness.js";

/**
 * The real entrypoint (`src/main.ts`) in a child process, so it can be killed with SIGKILL: no shutdown
 * hook runs, exactly like a crash or an OOM kill. `asPid1`: in a PID namespace of its own, where node is PID 1
 * as in the shipped container, after every restart.
 */
class AppProcess {
  private child: ChildProcess | null = null;
  output = "";

  constructor(
    private readonly environment: Record<string, string>,
    private readonly asPid1 = false,
  ) {}

  async start(): Promise<void> {
    this.output = "";
    const node = [process.execPath, "--import", "tsx", "src/main.ts"];
    const [command, ...args] = this.asPid1
      ? ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child", ...node]
      : node;
    const child = spawn(command as string, args, {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: { PATH: process.env.PATH ?? "", ...this.environment },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stdout?.on("data", (chunk: Buffer) => {
      this.output += chunk.toString("utf8");
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      this.output += chunk.toString("utf8");
    });
    await waitFor(() => this.output.includes("listening for webhooks"), { timeoutMs: 20_000 });
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return Promise.resolve(child?.exitCode ?? null);
    return new Promise((resolve) => {
      child.once("exit", (code) => resolve(code));
      // In a PID namespace, the signal goes to node (its PID 1): unshare exits once node and the namespace are gone.
      if (this.asPid1 && child.pid !== undefined) process.kill(namespaceInit(child.pid), signal);
      else child.kill(signal);
    });
  }
}

/** The process `unshare --fork` started: PID 1 of its namespace. */
function namespaceInit(unsharePid: number): number {
  const children = fs.readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, "utf8").trim();
  return Number(children.split(" ")[0]);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let slack: SlackSimulator;
let twilio: TwilioSimulator;
let environment: Record<string, string>;
let app: AppProcess;
let port: number;
let databaseDir: string;

beforeEach(async () => {
  [slack, twilio] = await Promise.all([SlackSimulator.start(), TwilioSimulator.start()]);
  slack.addUser({ id: agent.id, name: agent.name, realName: agent.realName, displayName: agent.displayName });
  slack.addChannel({ id: supportChannel, name: "support", members: [slack.botUserId, agent.id] });
  databaseDir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-crash-"));
  port = await freePort();
  environment = {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_API_URL: twilio.baseUrl,
    PUBLIC_URL: publicUrl,
    PORT: String(port),
    METRICS_PORT: "0",
    DATABASE_URL: await migratedSqliteUrl(path.join(databaseDir, "threadline.db")),
    LOG_LEVEL: "info",
  };
  app = new AppProcess(environment);
  await app.start();
});

afterEach(async () => {
  await app.kill("SIGKILL");
  await Promise.all([slack.stop(), twilio.stop()]);
  fs.rmSync(databaseDir, { recursive: true, force: true });
});

const sms = (body: string) =>
  twilio.sendInbound({
    webhookUrl: `http://127.0.0.1:${port}/webhooks/twilio`,
    publicUrl: `${publicUrl}/webhooks/twilio`,
    from: customerNumber,
    to: inboxNumber,
    body,
  });

const connect = () =>
  slack.slashCommand({ channel_id: supportChannel, user_id: agent.id, text: `connect sms ${inboxNumber}` });

/** Restarts the app after a kill and waits until `done` holds and no job is left that could post a duplicate. */
async function restartUntil(done: () => boolean): Promise<void> {
  await app.start();
  await waitFor(done, { timeoutMs: 20_000 });
  await waitFor(() => pendingJobs() === 0);
}

/** Jobs still to run, read from the database file (a done job is deleted). */
function pendingJobs(): number {
  const db = new Database(path.join(databaseDir, "threadline.db"), { readonly: true });
  try {
    return (
      db.prepare(`SELECT COUNT(*) AS "count" FROM "DeliveryJob" WHERE "state" = 'pending'`).get() as {
        count: number;
      }
    ).count;
  } finally {
    db.close();
  }
}

const customerTexts = (threadTs: string) =>
  slack
    .threadReplies(supportChannel, threadTs)
    .filter((m) => m.ts !== threadTs && m.username !== undefined)
    .map((m) => m.text);

describe("a crash (SIGKILL) while Slack is down", () => {
  it("loses nothing, doubles nothing and keeps the order after a restart", async () => {
    await connect();
    await sms("before the outage");
    const parent = await waitFor(() => slack.topLevelMessages(supportChannel)[0]);
    await waitFor(() => customerTexts(parent.ts).length === 1);

    slack.setDown(true);
    for (const body of ["during 1", "during 2", "during 3"]) expect((await sms(body)).status).toBe(200);
    await waitFor(() => app.output.includes("delivery failed; will retry"));
    await app.kill("SIGKILL");

    slack.setDown(false);
    await restartUntil(() => customerTexts(parent.ts).length === 4);
    expect(customerTexts(parent.ts)).toEqual(["before the outage", "during 1", "during 2", "during 3"]);
    expect(slack.topLevelMessages(supportChannel)).toHaveLength(1);
  }, 60_000);

  it("sends an agent's reply accepted before the crash exactly once after the restart", async () => {
    await connect();
    await sms("hello");
    const parent = await waitFor(() => slack.topLevelMessages(supportChannel)[0]);
    twilio.setDown(true);
    await slack.userMessage({
      channel: supportChannel,
      user: agent.id,
      text: "queued reply",
      thread_ts: parent.ts,
    });
    await waitFor(() => app.output.includes("delivery failed; will retry"));
    await app.kill("SIGKILL");

    twilio.setDown(false);
    await restartUntil(() => twilio.sent.length === 1);
    expect(twilio.sent.map((m) => m.Body)).toEqual(["queued reply"]);
  }, 60_000);
});

describe("a crash of a process that is PID 1 (a container), restarted as PID 1 again", () => {
  it("takes over the jobs it held at once: every message in Slack within 15 s of the kill, once, in order", async () => {
    await app.kill("SIGKILL");
    app = new AppProcess(environment, true);
    await app.start();
    await connect();
    await sms("before the crash");
    const parent = await waitFor(() => slack.topLevelMessages(supportChannel)[0]);
    await waitFor(() => customerTexts(parent.ts).length === 1);

    // A slow Slack: the next post takes effect, then holds its job's lease until its answer, which never comes.
    slack.apiAnswerDelayMs = 5_000;
    const during = ["during 1", "during 2", "during 3"];
    for (const body of during) expect((await sms(body)).status).toBe(200);
    await waitFor(() => customerTexts(parent.ts).length === 2, { message: "a post taking effect" });
    const database = new Database(path.join(databaseDir, "threadline.db"), { readonly: true });
    const owner = database.prepare(`SELECT "leaseOwner" FROM "DeliveryJob" WHERE "leaseOwner" IS NOT NULL`);
    const held = (owner.get() as { leaseOwner: string } | undefined)?.leaseOwner;
    database.close();
    // The lease is held by PID 1 (owner ids are host/pid/nonce), as the restarted process will be too.
    expect(held?.split("/").at(-2)).toBe("1");
    await app.kill("SIGKILL");
    const killedAt = Date.now();

    slack.apiAnswerDelayMs = 0;
    await app.start();
    await waitFor(() => customerTexts(parent.ts).length >= 4, {
      timeoutMs: 20_000,
      message: "every customer message in Slack",
    });
    expect(Date.now() - killedAt).toBeLessThanOrEqual(15_000);
    expect(app.output).toContain("took over the jobs of a process that died mid-delivery");
    expect(customerTexts(parent.ts)).toEqual(["before the crash", ...during]);
    expect(slack.topLevelMessages(supportChannel)).toHaveLength(1);
  }, 60_000);
});

describe("a crash while an agent's reply is being recorded", () => {
  it("is not acknowledged to Slack until recorded, so Slack redelivers it and it is sent once", async () => {
    await connect();
    await sms("hello");
    const parent = await waitFor(() => slack.topLevelMessages(supportChannel)[0]);
    await waitFor(() => customerTexts(parent.ts).length === 1);

    // Another connection holds the write lock: the app can read the thread but not record the reply.
    const blocker = new Database(path.join(databaseDir, "threadline.db"));
    blocker.exec("BEGIN IMMEDIATE");
    const reply = slack.userMessage({
      channel: supportChannel,
      user: agent.id,
      text: "typed just before the crash",
      thread_ts: parent.ts,
      ackTimeoutMs: 60_000,
    });
    reply.catch(() => {});
    const delivered = await waitFor(
      () =>
        slack.envelopes.find(
          (envelope) =>
            (envelope.payload as { event?: { text?: string } }).event?.text === "typed just before the crash",
        )?.envelope_id,
    );
    expect(slack.acks.some((ack) => ack.envelope_id === delivered)).toBe(false);
    await app.kill("SIGKILL");
    blocker.exec("ROLLBACK");
    blocker.close();

    await restartUntil(() => twilio.sent.length === 1);
    expect(twilio.sent.map((m) => m.Body)).toEqual(["typed just before the crash"]);
  }, 60_000);
});

describe("a graceful stop (SIGTERM)", () => {
  it("exits 0 and leaves unfinished work for the next start", async () => {
    await connect();
    slack.setDown(true);
    await sms("while stopping");
    expect(await app.kill("SIGTERM")).toBe(0);
    expect(app.output).toContain("Threadline stopped");
    slack.setDown(false);
    await app.start();
    const parent = await waitFor(() => slack.topLevelMessages(supportChannel)[0], { timeoutMs: 20_000 });
    await waitFor(() => customerTexts(parent.ts).length === 1);
    expect(customerTexts(parent.ts)).toEqual(["while stopping"]);
  }, 60_000);
});
