import { Writable } from "node:stream";
import v8 from "node:v8";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type HeapRelease, releaseHeapWhenQuiet } from "../../src/heap-release.js";
import { createLogger } from "../../src/logger.js";

interface Released {
  readonly heapBeforeMb: number;
  readonly heapAfterMb: number;
}

function capturedLogger() {
  const lines: Released[] = [];
  const warnings: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      const line = JSON.parse(String(chunk));
      if (line.msg === "quiet after traffic: heap garbage given back") lines.push(line);
      if (line.level === 40) warnings.push(line.msg);
      done();
    },
  });
  return { logger: createLogger("debug", { destination }), lines, warnings };
}

/**
 * What a burst leaves behind: work in flight lives long enough to reach the old generation, then dies, and a
 * few survivors are spread over every page.
 */
function burst(megabytes: number): unknown[] {
  const survivors: unknown[] = [];
  const inFlight: unknown[] = new Array(20_000);
  for (let i = 0; i < megabytes * 4_000; i++) {
    const work = { text: `message ${i} ${"x".repeat(200)}`, parts: [i, i + 1, i + 2] };
    inFlight[i % inFlight.length] = work;
    if (i % 50 === 0) survivors.push(work);
  }
  return survivors;
}

const committed = () => v8.getHeapStatistics().total_heap_size;
const megabyte = 2 ** 20;

describe("releaseHeapWhenQuiet", () => {
  let release: HeapRelease | undefined;
  afterEach(() => release?.stop());

  it("gives the pages of a burst's garbage back once the event loop has been quiet", async () => {
    const { logger, lines } = capturedLogger();
    release = releaseHeapWhenQuiet({ logger, intervalMs: 20, quietIntervals: 2, growthBytes: 8 * megabyte });
    const survivors = burst(64);
    const grown = committed();

    await vi.waitFor(() => expect(lines.length).toBeGreaterThan(0), { timeout: 10_000 });

    const [first] = lines as [Released];
    expect(first.heapAfterMb).toBeLessThan(first.heapBeforeMb);
    expect(committed()).toBeLessThan(grown - 8 * megabyte);
    expect(survivors.length).toBeGreaterThan(0);
  });

  it("leaves a busy process alone and collects once it goes quiet", async () => {
    const { logger, lines } = capturedLogger();
    release = releaseHeapWhenQuiet({ logger, intervalMs: 20, quietIntervals: 2, growthBytes: 8 * megabyte });
    const survivors = burst(64);
    // Busy: the event loop runs work nearly all of the time, as under a flood of webhooks.
    const busyUntil = performance.now() + 300;
    while (performance.now() < busyUntil) {
      const chunkEnds = performance.now() + 15;
      while (performance.now() < chunkEnds) burst(1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(lines).toEqual([]);

    await vi.waitFor(() => expect(lines.length).toBeGreaterThan(0), { timeout: 10_000 });
    expect(survivors.length).toBeGreaterThan(0);
  });

  it("does not collect when there is nothing worth giving back", async () => {
    const { logger, lines } = capturedLogger();
    release = releaseHeapWhenQuiet({
      logger,
      intervalMs: 20,
      quietIntervals: 2,
      growthBytes: 512 * megabyte,
      youngBytes: 512 * megabyte,
    });
    let quietLooks = 0;
    const looked = setInterval(() => quietLooks++, 20);
    await vi.waitFor(() => expect(quietLooks).toBeGreaterThanOrEqual(10), { timeout: 10_000 });
    clearInterval(looked);
    expect(lines).toEqual([]);
  });

  it("turns itself off with a warning when the collection fails, and the process goes on", async () => {
    const { logger, warnings } = capturedLogger();
    let calls = 0;
    release = releaseHeapWhenQuiet({
      logger,
      intervalMs: 20,
      quietIntervals: 1,
      growthBytes: 0,
      collect: () => {
        calls += 1;
        throw new Error("no gc here");
      },
    });
    await vi.waitFor(() => expect(warnings).toHaveLength(1), { timeout: 10_000 });
    expect(warnings[0]).toMatch(/heap release off: the collection failed/);
    let looks = 0;
    const looked = setInterval(() => looks++, 20);
    await vi.waitFor(() => expect(looks).toBeGreaterThanOrEqual(5), { timeout: 10_000 });
    clearInterval(looked);
    expect(calls).toBe(1);
  });

  it("collects again only every few quiet looks, and at most three times in one quiet spell", async () => {
    const { logger } = capturedLogger();
    let looks = 0;
    const collectedAt: number[] = [];
    const counting = setInterval(() => looks++, 20);
    release = releaseHeapWhenQuiet({
      logger,
      intervalMs: 20,
      quietIntervals: 2,
      // Every look counts as quiet (a busy one would start a new spell): this test is about the spacing.
      quietBelow: 2,
      growthBytes: 0,
      collect: () => collectedAt.push(looks),
    });
    await vi.waitFor(() => expect(looks).toBeGreaterThanOrEqual(12), { timeout: 10_000 });
    clearInterval(counting);
    expect(collectedAt).toHaveLength(3);
    const [first, second, third] = collectedAt as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(1);
    expect(third - second).toBeGreaterThanOrEqual(1);
  });
});
