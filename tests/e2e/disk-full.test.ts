import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SmallDisk } from "../support/small-disk.js";
import { Harness, waitFor } from "./harness.js";

// The database on a real file system that fills up: SQLite meets ENOSPC (SQLITE_FULL) as on a full server.
let disk: SmallDisk;
let harness: Harness;

beforeEach(async () => {
  disk = SmallDisk.mount(16);
  harness = await Harness.start({ databaseDir: path.join(disk.mountPoint, "data") });
  await harness.connectInbox();
});

afterEach(async () => {
  disk.free();
  await harness?.stop();
  disk.unmount();
});

const health = async () => {
  const answer = await fetch(`${harness.baseUrl}/healthz`);
  return { status: answer.status, body: await answer.json() };
};

/** Texts of a thread's customer messages (the app's own notices excluded). */
const customerTexts = (threadTs: string) =>
  harness
    .replies(threadTs)
    .filter((m) => m.username !== undefined)
    .map((m) => m.text);

describe("a full disk", () => {
  it("makes /healthz say 503 while webhooks cannot be committed, and 200 again once there is room", async () => {
    expect((await harness.sms("before")).status).toBe(200);
    expect(await health()).toEqual({ status: 200, body: { status: "ok" } });

    disk.fill();
    expect((await harness.sms("while full")).status).toBe(503);
    expect(await health()).toEqual({
      status: 503,
      body: { status: "unavailable", reasons: ["database cannot commit writes"] },
    });
    expect(harness.logs.find("health check: database cannot commit writes")).toMatchObject({
      err: { code: "SQLITE_FULL" },
    });

    disk.free();
    await waitFor(async () => (await health()).status === 200, { message: "/healthz ok again" });
    expect((await harness.sms("after")).status).toBe(200);
    const parent = await harness.waitForParent();
    await waitFor(() => customerTexts(parent.ts).length === 2);
    expect(customerTexts(parent.ts)).toEqual(["before", "after"]);
  });

  it("does not stall a conversation for the lease when a job's outcome cannot be recorded", async () => {
    expect((await harness.sms("one")).status).toBe(200);
    const parent = await harness.waitForParent();
    await waitFor(() => customerTexts(parent.ts).length === 1);

    // A slow Slack: the next post takes effect, and the disk fills before its answer comes back to be recorded.
    harness.slack.apiAnswerDelayMs = 1_000;
    expect((await harness.sms("two")).status).toBe(200);
    expect((await harness.sms("three")).status).toBe(200);
    await waitFor(() => customerTexts(parent.ts).length === 2, { message: "the post of two in Slack" });
    disk.fill();
    harness.slack.apiAnswerDelayMs = 0;
    await waitFor(() => harness.logs.find(/^could not record/), { message: "a failed record" });

    disk.free();
    const freedAt = Date.now();
    // Well under the 60 s lease: the owner takes its job up again itself, finds its post and goes on.
    await waitFor(() => customerTexts(parent.ts).length >= 3, {
      timeoutMs: 15_000,
      message: "three in Slack",
    });
    expect(Date.now() - freedAt).toBeLessThan(15_000);
    expect(customerTexts(parent.ts)).toEqual(["one", "two", "three"]);
  });
});
