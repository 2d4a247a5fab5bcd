import { describe, expect, it } from "vitest";
import type { HandlerDependencies } from "../../../src/core/delivery/handlers/dependencies.js";
import { erasePosts } from "../../../src/core/delivery/handlers/erase-posts.js";
import { DeliveryError } from "../../../src/core/errors.js";
import type { Job } from "../../../src/core/ports/queue.js";
import { RecordingSlack } from "./harness.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const job = {
  id: 1,
  lane: "channel:C1",
  kind: "slack.erasePosts",
  payload: { channelId: "C1", ts: ["1.1", "1.2", "1.3"], text: "_Erased by <@U1>._" },
  attempts: 1,
  uncertain: false,
} as unknown as Extract<Job, { kind: "slack.erasePosts" }>;

describe("slack.erasePosts", () => {
  it("replaces every post, skipping one Slack can no longer change, and retries after a transient failure", async () => {
    const slack = new RecordingSlack();
    const handle = erasePosts({ slack, logger: silent } as unknown as HandlerDependencies);
    slack.failures.push(new DeliveryError("message_not_found", "the message is gone", { transient: false }));
    await handle(job);
    expect(slack.replaced.map((post) => post.ts)).toEqual(["1.2", "1.3"]);

    slack.failures.push(new DeliveryError("ratelimited", "Slack is busy", { transient: true }));
    await expect(handle(job)).rejects.toThrow("Slack is busy");
  });
});
