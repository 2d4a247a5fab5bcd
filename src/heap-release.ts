import v8 from "node:v8";
import vm from "node:vm";
import type { Logger } from "./logger.js";

/**
 * Gives the garbage of a burst of traffic back to the system soon after the process has gone quiet.
 *
 * Under load V8 lets the old generation grow to about four times what is live before it collects, and after
 * the load its memory reducer returns those pages 20–100 s later (it looks every 8 s and acts once its last
 * measured allocation rate is low, or 100 s after the last collection). Here the process looks every two
 * seconds. Once its event loop has been busy less than 5 % of the time for three looks in a row, and there is
 * something to give back (the heap grew by 32 MB since a look last found it small, or the young generation is
 * still at its under-load size), it runs one compacting full collection (60–80 ms measured, when nothing is
 * waiting); then again every three quiet looks while there is still something, at most three per quiet spell:
 * V8 shrinks the young generation in such a collection only once it has measured several seconds of low
 * allocation, so the first frees the old generation and a later one the young.
 * Why this and not a heap flag: docs/decisions/0038-heap-release-when-quiet.md.
 */
export interface HeapReleaseOptions {
  readonly logger: Logger;
  readonly intervalMs?: number;
  /** Busy fraction of the event loop over one interval below which the process counts as quiet. */
  readonly quietBelow?: number;
  /** Consecutive quiet intervals before the first collection, and between the next ones. */
  readonly quietIntervals?: number;
  /** Growth of the committed heap, since it was last small, that is worth a collection. */
  readonly growthBytes?: number;
  /** Young generation size above which it is worth a collection (V8 starts it at 1 MB a semi-space). */
  readonly youngBytes?: number;
  /** Collections at most per quiet spell. */
  readonly maxCollections?: number;
  /** The collection itself; V8's compacting full collection unless a test passes another. */
  readonly collect?: () => void;
}

export interface HeapRelease {
  stop(): void;
}

const megabyte = 2 ** 20;

export function releaseHeapWhenQuiet(options: HeapReleaseOptions): HeapRelease {
  const {
    logger,
    intervalMs = 2_000,
    quietBelow = 0.05,
    quietIntervals = 3,
    growthBytes = 32 * megabyte,
    youngBytes = 8 * megabyte,
    maxCollections = 3,
  } = options;
  let collect: () => void;
  try {
    collect = options.collect ?? compactingCollection();
  } catch (error) {
    logger.warn({ err: error }, "heap release off: this Node cannot run V8's full collection on request");
    return { stop: () => {} };
  }
  let floor = heapSizes().committed;
  let last = performance.eventLoopUtilization();
  let quietFor = 0;
  let collections = 0;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const quiet = performance.eventLoopUtilization(now, last).utilization < quietBelow;
    last = now;
    const before = heapSizes();
    floor = Math.min(floor, before.committed);
    quietFor = quiet ? quietFor + 1 : 0;
    if (!quiet) collections = 0;
    const worthIt = before.committed - floor >= growthBytes || before.young > youngBytes;
    const due = quietFor >= quietIntervals && quietFor % quietIntervals === 0;
    if (!due || collections >= maxCollections || !worthIt) return;
    const began = performance.now();
    try {
      collect();
    } catch (error) {
      clearInterval(timer);
      logger.warn(
        { err: error },
        "heap release off: the collection failed; V8 will give the heap back itself",
      );
      return;
    }
    collections += 1;
    const after = heapSizes();
    floor = after.committed;
    logger.debug(
      {
        heapBeforeMb: Math.round(before.committed / megabyte),
        heapAfterMb: Math.round(after.committed / megabyte),
        youngAfterMb: Math.round(after.young / megabyte),
        ms: Math.round(performance.now() - began),
      },
      "quiet after traffic: heap garbage given back",
    );
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function heapSizes(): { committed: number; young: number } {
  const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === "new_space");
  return { committed: v8.getHeapStatistics().total_heap_size, young: young?.space_size ?? 0 };
}

/**
 * V8's full collection, as `--expose-gc` provides it, without putting `gc` on this context's global object: the
 * flag only takes effect in contexts created after it is set (Jest gets it the same way for --logHeapUsage).
 * A plain full collection frees the garbage but keeps nearly every page, a few live objects on each; compacting
 * moves those together so the emptied pages go back to the system.
 */
function compactingCollection(): () => void {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  return () => {
    v8.setFlagsFromString("--compact-on-every-full-gc");
    try {
      gc();
    } finally {
      v8.setFlagsFromString("--no-compact-on-every-full-gc");
    }
  };
}
