import { WebClient } from "@slack/web-api";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ParentView } from "../../src/core/ports/slack.js";
import { MemoryPostPacing } from "../../src/db/memory/post-pacing.js";
import { SlackSimulator } from "../../src/simulators/slack/simulator.js";
import { ChannelDirectory } from "../../src/slack/directory.js";
import { SlackGateway } from "../../src/slack/gateway.js";
import { ChannelPacer, slackPostPace } from "../../src/slack/pacer.js";

/** The Slack adapter alone against the fake: the calls the delivery queue's crash recovery relies on. */
let slack: SlackSimulator;
let gateway: SlackGateway;

const view: ParentView = {
  conversationId: 42,
  title: "Conversation with +1 555 765 4321",
  contactAddress: "+1 555 765 4321",
  contactAvatarUrl: null,
  channelLabel: "SMS",
  inboxAddress: "+1 555 000 1111",
  status: "open",
  assigneeId: null,
  closedBy: null,
  closedAt: null,
  optedOut: false,
  transcriptButton: false,
};

let client: WebClient;

beforeEach(async () => {
  slack = await SlackSimulator.start();
  slack.addChannel({ id: "C1", name: "support", members: [slack.botUserId] });
  client = new WebClient(slack.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  // Waits for its slot up to a second: the last post of a burst waits for the arrival spread (decision 0015).
  gateway = new SlackGateway(
    client,
    new ChannelDirectory(client, pino({ level: "silent" })),
    Date.now,
    new ChannelPacer(new MemoryPostPacing(), slackPostPace, Date.now, 1_000),
  );
});

afterEach(async () => {
  await slack.stop();
});

describe("SlackGateway", () => {
  it("finds a parent and a thread message it posted earlier by their metadata", async () => {
    const since = new Date();
    const parent = await gateway.postParent("C1", view);
    const reply = await gateway.postInThread("C1", parent.ts, { text: "hi", messageId: 7 });
    await gateway.postInThread("C1", parent.ts, { text: "other", messageId: 8 });
    expect(await gateway.findPostedParent("C1", 42, since)).toEqual(parent);
    expect(await gateway.findPostedParent("C1", 43, since)).toBeNull();
    expect(await gateway.findPostedMessage("C1", parent.ts, 7)).toEqual(reply);
    expect(await gateway.findPostedMessage("C1", parent.ts, 9)).toBeNull();
  });

  it("reads the conversation a parent of ours names back from its metadata, and nothing from other posts", async () => {
    const parent = await gateway.postParent("C1", view);
    const reply = await gateway.postInThread("C1", parent.ts, { text: "hi", messageId: 7 });
    const notice = await gateway.postInChannel("C1", "this inbox moved");
    expect(await gateway.parentConversationId("C1", parent.ts)).toBe(42);
    expect(await gateway.parentConversationId("C1", reply.ts)).toBeNull();
    expect(await gateway.parentConversationId("C1", notice.ts)).toBeNull();
  });

  it("keeps a bounded number of teammates' names, asking Slack again for one it dropped", async () => {
    const client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const directory = new ChannelDirectory(client, pino({ level: "silent" }));
    const small = new SlackGateway(client, directory, Date.now, undefined, 2);
    const people: [string, string][] = [
      ["U1", "Ana"],
      ["U2", "Bruno"],
      ["U3", "Carla"],
    ];
    for (const [id, displayName] of people) {
      slack.addUser({ id, name: displayName.toLowerCase(), realName: displayName, displayName });
    }
    const lookups = () =>
      slack.calls.filter((call) => call.method === "users.info").map((call) => call.args.user);

    for (const id of ["U1", "U2", "U3", "U3", "U2"]) await small.userDisplayName(id);
    expect(lookups()).toEqual(["U1", "U2", "U3"]);

    expect(await small.userDisplayName("U1")).toBe("Ana");
    expect(lookups()).toEqual(["U1", "U2", "U3", "U1"]);
  });

  it("turns a 429 into a pause of that channel only", async () => {
    slack.addChannel({ id: "C2", name: "other", members: [slack.botUserId] });
    slack.failNext("chat.postMessage", { status: 429, retryAfter: 30 });
    await expect(gateway.postInThread("C1", "1.1", { text: "x" })).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryAfterMs: 30_000,
    });
    // The next post waits without asking Slack (its slot is past the pause, far beyond the horizon), and is not
    // counted as a failed attempt.
    const requests = slack.calls.length;
    await expect(gateway.postInThread("C1", "1.1", { text: "y" })).rejects.toMatchObject({
      code: "PACED",
      category: "paced",
    });
    expect(slack.calls.length).toBe(requests);
    await expect(gateway.postParent("C2", view)).resolves.toHaveProperty("ts");
  });

  it("still answers a 429 as a rate limit when the shared pace cannot be written", async () => {
    class UnwritablePacing extends MemoryPostPacing {
      override pauseUntil(): Promise<void> {
        return Promise.reject(new Error("the database is unreachable"));
      }
    }
    const unshared = new SlackGateway(
      client,
      new ChannelDirectory(client, pino({ level: "silent" })),
      Date.now,
      new ChannelPacer(new UnwritablePacing()),
    );
    slack.failNext("chat.postMessage", { status: 429, retryAfter: 30 });
    await expect(unshared.postInThread("C1", "1.1", { text: "x" })).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryAfterMs: 30_000,
    });
  });

  const pacedGateway = (horizonMs: number) =>
    new SlackGateway(
      client,
      new ChannelDirectory(client, pino({ level: "silent" })),
      Date.now,
      new ChannelPacer(new MemoryPostPacing(), { perSecond: 1, burst: 2 }, Date.now, horizonMs),
    );

  it("a post whose slot is near waits for it instead of running into Slack's 429", async () => {
    // Slack counts from when posts arrive, which a loaded machine delays by up to a few hundred ms: the fake
    // refills a little faster than the pacer spends, so this checks the waiting (an unpaced third post is
    // refused at once: the burst is 2), not the machine's jitter.
    slack.rateLimit("chat.postMessage", { perSecond: 1.25, burst: 2 });
    const paced = pacedGateway(2_000);
    await Promise.all(["1", "2", "3"].map((text) => paced.postInThread("C1", "1.1", { text })));
    expect(slack.calls.filter((call) => call.method === "chat.postMessage")).toHaveLength(3);
    expect(slack.rateLimitedCount).toBe(0);
  });

  it("a post whose slot is beyond the horizon fails as paced without a request, with the wait", async () => {
    // The burst's last post waits for the arrival spread (40 ms), within this horizon; the third's slot is a
    // second after it, so it is asked to come back a horizon before then.
    const paced = pacedGateway(100);
    await paced.postInThread("C1", "1.1", { text: "1" });
    await paced.postInThread("C1", "1.1", { text: "2" });
    const requests = slack.calls.length;
    const third = paced.postInThread("C1", "1.1", { text: "3" });
    await expect(third).rejects.toMatchObject({ code: "PACED", category: "paced" });
    const waitMs = ((await third.catch((error: unknown) => error)) as { retryAfterMs: number }).retryAfterMs;
    expect(waitMs).toBeGreaterThan(600);
    expect(waitMs).toBeLessThanOrEqual(1_040 - 100 - 40);
    expect(slack.calls.length).toBe(requests);
  });

  it("a post that may have been made already is looked for only once its slot is granted", async () => {
    const paced = pacedGateway(100);
    await paced.postInThread("C1", "1.1", { text: "1" });
    await paced.postInThread("C1", "1.1", { text: "2" });
    let looks = 0;
    const earlier = async () => {
      looks += 1;
      return null;
    };
    await expect(paced.postInThread("C1", "1.1", { text: "3" }, earlier)).rejects.toMatchObject({
      code: "PACED",
    });
    expect(looks).toBe(0);
    const found = { ts: "1.2" };
    const requests = slack.calls.length;
    await expect(gateway.postInThread("C1", "1.1", { text: "4" }, async () => found)).resolves.toBe(found);
    expect(slack.calls.length).toBe(requests);
  });

  it("classifies channel problems as permanent and outages as transient", async () => {
    await expect(gateway.postParent("C404", view)).rejects.toMatchObject({
      code: "SLACK_channel_not_found",
      transient: false,
    });
    slack.setDown(true);
    await expect(gateway.postParent("C1", view)).rejects.toMatchObject({ transient: true });
  });
});
