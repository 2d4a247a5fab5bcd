import { describe, expect, it } from "vitest";
import { Housekeeping } from "../../../src/core/housekeeping.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const timeouts = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;

/** A store whose calls are counted, and whose media sweep waits until released. */
function recordingStore() {
  const calls: string[] = [];
  let release: () => void = () => {};
  const store = {
    deleteExpiredMedia: async () => {
      calls.push("media");
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return 0;
    },
    purgeClosedConversations: async (_before: Date, limit: number) => {
      calls.push("purge");
      // Two full batches, then a short one: the sweep goes on until a batch is not full.
      return calls.filter((call) => call === "purge").length < 3 ? limit : 1;
    },
  };
  return { store, calls, release: () => release() };
}

describe("Housekeeping", () => {
  it("sweeps at start without keeping the process alive, purges in batches, and stop() waits for the sweep", async () => {
    const { store, calls, release } = recordingStore();
    const before = timeouts();
    const housekeeping = new Housekeeping(store, silent, {
      intervalMs: 60_000,
      retentionDays: 30,
      batchSize: 10,
    });
    housekeeping.start();
    expect(timeouts()).toBe(before);
    await expect.poll(() => calls.length).toBe(1);

    let stopped = false;
    const stopping = housekeeping.stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(calls).toEqual(["media", "purge"]);
  });

  it("keeps purging full batches until one is short, and keeps everything without RETENTION_DAYS", async () => {
    const { store, calls, release } = recordingStore();
    const sweep = new Housekeeping(store, silent, {
      intervalMs: 60_000,
      retentionDays: 30,
      batchSize: 10,
    }).sweep();
    await expect.poll(() => calls.length).toBe(1);
    release();
    await sweep;
    expect(calls).toEqual(["media", "purge", "purge", "purge"]);

    const keeping = recordingStore();
    const kept = new Housekeeping(keeping.store, silent, {
      intervalMs: 60_000,
      retentionDays: null,
      batchSize: 10,
    }).sweep();
    await expect.poll(() => keeping.calls.length).toBe(1);
    keeping.release();
    await kept;
    expect(keeping.calls).toEqual(["media"]);
  });
});
