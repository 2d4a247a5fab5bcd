import { describe, expect, it } from "vitest";
import { EarlierAttempts, LookupFailed } from "../../../src/core/delivery/earlier-attempts.js";
import { DeliveryError } from "../../../src/core/errors.js";
import type { Job } from "../../../src/core/ports/queue.js";

const job = (id: number, uncertain = true): Job =>
  ({
    id,
    lane: "slack:1",
    kind: "slack.postInbound",
    payload: { messageId: id },
    runAt: 0,
    createdAt: new Date(0),
    attempts: 2,
    lastError: null,
    uncertain,
  }) as Job;

const rateLimited = new DeliveryError("RATE_LIMITED", "Slack rate limit", {
  transient: true,
  category: "rate_limited",
  retryAfterMs: 30_000,
});
const unknownOutcome = new DeliveryError("SLACK_HTTP", "Slack answered HTTP 503", {
  transient: true,
  outcomeUnknown: true,
});

describe("EarlierAttempts", () => {
  it("does not look for a job with no uncertain attempt behind it", async () => {
    const earlier = new EarlierAttempts(1_000, () => 0);
    let looks = 0;
    expect(await earlier.look(job(1, false), "message", async () => ++looks)).toBeUndefined();
    expect(looks).toBe(0);
  });

  it("looks once per job and thing, until an attempt that may have taken effect follows", async () => {
    const earlier = new EarlierAttempts(1_000, () => 0);
    let looks = 0;
    const lookup = async () => {
      looks += 1;
      return null;
    };
    expect(await earlier.look(job(1), "message", lookup)).toEqual({ found: null });
    // Refused clearly after the look (a 429, our pacing): the answer still holds.
    earlier.settled(job(1), rateLimited);
    expect(await earlier.look(job(1), "message", lookup)).toEqual({ found: null });
    expect(looks).toBe(1);
    expect(await earlier.look(job(1), "parent", async () => ({ ts: "1.1" }))).toEqual({
      found: { ts: "1.1" },
    });
    earlier.settled(job(1), unknownOutcome);
    await earlier.look(job(1), "message", lookup);
    expect(looks).toBe(2);
    earlier.settled(job(1));
    await earlier.look(job(1), "message", lookup);
    expect(looks).toBe(3);
  });

  it("retries a failing look-up like a transient failure, keeping a rate limit's wait, then answers unknown", async () => {
    let now = 0;
    const earlier = new EarlierAttempts(1_000, () => now);
    const failing = async () => {
      throw rateLimited;
    };
    const first = await earlier.look(job(1), "sent", failing).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(LookupFailed);
    expect(first).toMatchObject({ code: "LOOKUP_FAILED", category: "rate_limited", retryAfterMs: 30_000 });
    earlier.settled(job(1), first);
    now = 999;
    const unexpected = async () => {
      throw new Error("unknown_method");
    };
    await expect(earlier.look(job(1), "sent", unexpected)).rejects.toMatchObject({
      code: "LOOKUP_FAILED",
      category: "transient",
      outcomeUnknown: false,
    });
    now = 1_000;
    expect(await earlier.look(job(1), "sent", unexpected)).toEqual({ unknown: "unknown_method" });
  });

  it("passes our own pacing through: nothing was asked", async () => {
    const earlier = new EarlierAttempts(0, () => 0);
    const paced = new DeliveryError("PACED", "waiting", { transient: true, category: "paced" });
    await expect(
      earlier.look(job(1), "message", async () => {
        throw paced;
      }),
    ).rejects.toBe(paced);
  });
});
