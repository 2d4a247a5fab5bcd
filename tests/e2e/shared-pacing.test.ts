import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackSimulator } from "../../src/simulators/slack/simulator.js";
import { TwilioSimulator } from "../../src/simulators/twilio/simulator.js";
import { waitFor } from "../../src/simulators/wait.js";
import { type PostgresCluster, startPostgres } from "../support/postgres.js";
import { deliverSpread, type Instance, startInstances } from "./app-instances.js";
import { agent } from "./harness.js";

const projectRoot = path.resolve(import.meta.dirname, "../..");

const channel = "C0BUSY";
const inbox = "+15550001119";
const customers = Array.from({ length: 6 }, (_, n) => ({
  number: `+1555765430${n}`,
  texts: [`customer ${n} first`, `customer ${n} second`],
}));

let cluster: PostgresCluster;
let slack: SlackSimulator;
let twilio: TwilioSimulator;
let instances: Instance[];

beforeAll(async () => {
  execFileSync(process.execPath, ["scripts/build.mjs", "--if-stale"], { cwd: projectRoot, stdio: "ignore" });
  [cluster, slack, twilio] = await Promise.all([
    startPostgres(),
    SlackSimulator.start({ routing: "random" }),
    TwilioSimulator.start(),
  ]);
  slack.addUser({ id: agent.id, name: agent.name, realName: agent.realName, displayName: agent.displayName });
  slack.addChannel({ id: channel, name: "busy", members: [slack.botUserId, agent.id] });
  instances = await startInstances(3, slack, twilio, await cluster.migratedDatabase("shared_pacing"));
}, 60_000);

afterAll(async () => {
  await Promise.all((instances ?? []).map((instance) => instance.stop("SIGKILL")));
  await Promise.all([slack?.stop(), twilio?.stop(), cluster?.stop()]);
});

/** Each thread's customer messages, parent by parent. */
const threads = () =>
  slack.topLevelMessages(channel).map((parent) =>
    slack
      .threadReplies(channel, parent.ts)
      .filter((m) => m.ts !== parent.ts && m.username !== undefined)
      .map((m) => m.text),
  );

describe("three instances posting to one Slack channel", () => {
  it("share the channel's pace: Slack's rate limit is not tripled, so no post runs into a 429", async () => {
    // Slack's documented pace, enforced: 1 chat.postMessage per second per channel, bursts of 3.
    await slack.slashCommand({ channel_id: channel, user_id: agent.id, text: `connect sms ${inbox}` });
    slack.rateLimit("chat.postMessage", { perSecond: 1, burst: 3 });
    // Six customers write at once, their webhooks spread round-robin over the instances: 18 posts
    // (a parent and two messages each) that all three instances want to make in the same channel.
    await Promise.all(
      customers.map(async ({ number, texts }, n) => {
        for (const [i, body] of texts.entries())
          await deliverSpread(twilio, instances, n + i, { from: number, to: inbox, body });
      }),
    );
    await waitFor(() => threads().flat().length === customers.length * 2, {
      timeoutMs: 40_000,
      message: "every customer message in Slack",
    });

    const byCustomer = threads().sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(byCustomer).toEqual(customers.map(({ texts }) => texts));
    // Unshared (each instance pacing itself), this run gets about nine 429s. Shared, a post leaves at its slot;
    // one that a busy machine sends a little late can still leave the next one short of a token at the fake.
    expect(slack.rateLimitedCount).toBeLessThanOrEqual(1);
  }, 60_000);
});
