import { execFileSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackSimulator } from "../../src/simulators/slack/simulator.js";
import { TwilioSimulator } from "../../src/simulators/twilio/simulator.js";
import { waitFor } from "../../src/simulators/wait.js";
import { type PostgresCluster, startPostgres } from "../support/postgres.js";
import { deliverSpread, type Instance, startInstances } from "./app-instances.js";
import { agent } from "./harness.js";

const projectRoot = path.resolve(import.meta.dirname, "../..");

const messagesPerConversation = 8;
/** One inbox (number and channel) and one customer per conversation, so Slack's per-channel pace is no bottleneck. */
const conversations = [0, 1, 2].map((n) => ({
  inbox: `+1555000111${n}`,
  channel: `C0SUPPORT${n}`,
  customer: `+1555765432${n}`,
  texts: Array.from({ length: messagesPerConversation }, (_, i) => `customer ${n} message ${i + 1}`),
  replies: [`agent reply ${n}a`, `agent reply ${n}b`],
}));

let cluster: PostgresCluster;
let slack: SlackSimulator;
let twilio: TwilioSimulator;
let instances: Instance[];
let databaseUrl: string;

beforeAll(async () => {
  execFileSync(process.execPath, ["scripts/build.mjs", "--if-stale"], { cwd: projectRoot, stdio: "ignore" });
  [cluster, slack, twilio] = await Promise.all([
    startPostgres(),
    SlackSimulator.start({ routing: "random" }),
    TwilioSimulator.start(),
  ]);
  slack.addUser({ id: agent.id, name: agent.name, realName: agent.realName, displayName: agent.displayName });
  for (const { channel } of conversations)
    slack.addChannel({ id: channel, name: channel.toLowerCase(), members: [slack.botUserId, agent.id] });
  // Empty: the three instances migrate it as they start together (one at a time, behind an advisory lock).
  databaseUrl = await cluster.createDatabase("multi_instance");
  instances = await startInstances(3, slack, twilio, databaseUrl);
}, 60_000);

afterAll(async () => {
  await Promise.all((instances ?? []).map((instance) => instance.stop("SIGKILL")));
  await Promise.all([slack?.stop(), twilio?.stop(), cluster?.stop()]);
});

/** Like a load balancer: instance `first` gets the webhook; one that is down passes it on to the next. */
const deliverWebhook = (first: number, input: { from: string; to: string; body: string }) =>
  deliverSpread(twilio, instances, first, input);

/** Jobs still to run on the shared database (a done job is deleted). */
async function pendingJobs(): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: number }>(
      `SELECT COUNT(*)::int AS "count" FROM "DeliveryJob" WHERE "state" = 'pending'`,
    );
    return rows[0]?.count ?? 0;
  } finally {
    await client.end();
  }
}

/** An instance holding a delivery job's lease, if any (lease owners are host/pid/nonce: src/instance.ts). */
async function leaseHolder(): Promise<Instance | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ leaseOwner: string }>(
      `SELECT "leaseOwner" FROM "DeliveryJob" WHERE "leaseOwner" IS NOT NULL`,
    );
    const pids = new Set(rows.map((row) => Number(row.leaseOwner.split("/").at(-2))));
    return instances.find((instance) => instance.pid !== undefined && pids.has(instance.pid));
  } finally {
    await client.end();
  }
}

const parentOf = (channel: string) => slack.topLevelMessages(channel)[0];

const customerTexts = (channel: string) => {
  const parent = parentOf(channel);
  if (!parent) return [];
  return slack
    .threadReplies(channel, parent.ts)
    .filter((m) => m.ts !== parent.ts && m.username !== undefined)
    .map((m) => m.text);
};

describe("three instances on one PostgreSQL database", () => {
  it("loses nothing, doubles nothing and keeps each conversation's order when one instance is SIGKILLed mid-stream", async () => {
    for (const { channel, inbox } of conversations)
      await slack.slashCommand({ channel_id: channel, user_id: agent.id, text: `connect sms ${inbox}` });

    let victim: Instance | undefined;
    let killedAt = 0;
    // A slow Slack: each post holds its job's lease a while, and a post can take effect after its caller died.
    slack.apiAnswerDelayMs = 300;
    // The victim is an instance that holds a lease when it dies, so the takeover below is real work.
    const killWhileLeasing = async () => {
      const holder = await waitFor(leaseHolder, {
        timeoutMs: 15_000,
        message: "an instance holding a lease",
      });
      victim = holder;
      await holder.stop("SIGKILL");
      killedAt = Date.now();
    };
    let accepted = 0;
    let killed: Promise<void> | undefined;
    // Each customer writes in order (the next text after the last one was accepted); the three write at once,
    // their webhooks spread over the instances. Half-way through, one instance dies without a shutdown hook.
    await Promise.all(
      conversations.map(async ({ inbox, customer, texts }, n) => {
        for (const [i, body] of texts.entries()) {
          await deliverWebhook(n + i, { from: customer, to: inbox, body });
          accepted += 1;
          if (accepted === (conversations.length * messagesPerConversation) / 2) killed = killWhileLeasing();
        }
      }),
    );
    await killed;
    slack.apiAnswerDelayMs = 0;
    if (!victim) throw new Error("no instance was killed");
    const survivors = instances.filter((instance) => instance !== victim);

    // The living instances see the victim's owner lock gone (decision 0016) and take over the jobs it leased,
    // long before its 60 s leases would run out.
    await waitFor(
      () => conversations.every(({ channel, texts }) => customerTexts(channel).length >= texts.length),
      { timeoutMs: 20_000, message: "every customer message in Slack" },
    );
    expect(Date.now() - killedAt).toBeLessThanOrEqual(15_000);
    expect(
      survivors.some((instance) => instance.output.includes("took over the jobs of a process that died")),
    ).toBe(true);

    // The killed instance comes back, and takes its share of the replies below.
    const victimPid = victim.pid;
    await waitFor(() => slack.openConnections === 2, { message: "the killed instance's socket closed" });
    await victim.start();
    expect(victim.pid).not.toBe(victimPid);
    await waitFor(() => slack.openConnections === 3, { message: "the restarted instance's socket" });

    // Agents reply in the threads; each reply's event reaches a random one of the three connections.
    for (const { channel, replies } of conversations) {
      const parent = parentOf(channel);
      if (!parent) throw new Error(`no thread in ${channel}`);
      for (const text of replies)
        await slack.userMessage({ channel, user: agent.id, text, thread_ts: parent.ts });
    }
    const allReplies = conversations.flatMap(({ replies }) => replies);
    await waitFor(() => twilio.sent.length >= allReplies.length, {
      timeoutMs: 20_000,
      message: "every reply sent",
    });
    // No job left that could still post or send a duplicate.
    await waitFor(async () => (await pendingJobs()) === 0, { message: "every job done" });

    for (const { channel, customer, texts } of conversations) {
      expect(slack.topLevelMessages(channel)).toHaveLength(1);
      expect(customerTexts(channel)).toEqual(texts);
      expect(
        twilio.sent
          .filter((message) => message.To === customer)
          .map((message) => message.Body)
          .sort(),
      ).toEqual(
        conversations
          .find((c) => c.customer === customer)
          ?.replies.slice()
          .sort(),
      );
    }
    expect(twilio.sent.map((message) => message.Body).sort()).toEqual(allReplies.slice().sort());
  }, 60_000);
});
