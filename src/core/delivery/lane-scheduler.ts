import type { QueuedJob } from "../ports/queue.js";

/** setTimeout's longest delay: Node fires a longer one at once (with a TimeoutOverflowWarning). */
const longestTimerMs = 2 ** 31 - 1;

/** What running a lane's head came to: settled (gone from the lane), held (parked), or to run again later. */
export type StepResult = { readonly retryAt: number } | "settled" | "held";

interface Lane {
  readonly jobs: QueuedJob[];
  running: boolean;
  held: boolean;
  /** Fed by a sweep, which reads only lane heads: more of the lane may wait in the table. */
  partial: boolean;
  timer: NodeJS.Timeout | null;
}

/**
 * The worker's in-memory view of the lanes: jobs in id order per lane, one running at a time per lane, at most
 * `concurrency` running overall, and a timer (not a slot) for a head that is not due yet.
 */
export class LaneScheduler {
  private readonly lanes = new Map<string, Lane>();
  private readonly ready = new Set<string>();
  private active = 0;
  private stopped = false;

  constructor(
    private readonly concurrency: number,
    private readonly now: () => number,
    private readonly step: (lane: string, head: QueuedJob) => Promise<StepResult>,
    /** A partly known lane ran out in memory: the table may hold its next jobs. */
    private readonly partialLaneDrained: () => void = () => {},
  ) {}

  /** Jobs in memory, for deciding whether to read more. */
  get size(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.jobs.length;
    return count;
  }

  /** Nothing running and nothing due now: every lane is empty, held, or waiting for a later time. */
  get idle(): boolean {
    if (this.active > 0 || this.ready.size > 0) return false;
    const now = this.now();
    for (const lane of this.lanes.values()) {
      const head = lane.jobs[0];
      if (head && !lane.held && head.runAt <= now) return false;
    }
    return true;
  }

  /** Adds jobs (or fresher copies of known ones) and starts what can start. */
  add(jobs: readonly QueuedJob[], options: { partial?: boolean } = {}): void {
    const touched = new Set<string>();
    for (const job of jobs) {
      let lane = this.lanes.get(job.lane);
      if (!lane) {
        lane = { jobs: [], running: false, held: false, partial: false, timer: null };
        this.lanes.set(job.lane, lane);
      }
      if (options.partial) lane.partial = true;
      const index = lane.jobs.findIndex((known) => known.id >= job.id);
      if (index === -1) lane.jobs.push(job);
      else if (lane.jobs[index]?.id === job.id) lane.jobs[index] = job;
      else lane.jobs.splice(index, 0, job);
      // A parked head that is announced again was unparked.
      if (lane.held && lane.jobs[0]?.id === job.id) lane.held = false;
      touched.add(job.lane);
    }
    for (const name of touched) {
      const lane = this.lanes.get(name);
      if (lane?.timer) {
        clearTimeout(lane.timer);
        lane.timer = null;
      }
      this.schedule(name);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const lane of this.lanes.values()) if (lane.timer) clearTimeout(lane.timer);
    this.ready.clear();
  }

  private schedule(name: string): void {
    const lane = this.lanes.get(name);
    if (!lane || this.stopped || lane.running || lane.held || lane.timer) return;
    const head = lane.jobs[0];
    if (!head) {
      this.lanes.delete(name);
      if (lane.partial) this.partialLaneDrained();
      return;
    }
    const wait = head.runAt - this.now();
    if (wait > 0) {
      // A longer wait (a nudge weeks away) is cut to setTimeout's limit and the lane looks again then.
      lane.timer = setTimeout(
        () => {
          lane.timer = null;
          this.schedule(name);
        },
        Math.min(wait, longestTimerMs),
      );
      return;
    }
    if (this.active >= this.concurrency) {
      this.ready.add(name);
      return;
    }
    this.ready.delete(name);
    this.run(name, lane, head);
  }

  private run(name: string, lane: Lane, head: QueuedJob): void {
    lane.running = true;
    this.active += 1;
    void this.step(name, head)
      .catch((): StepResult => ({ retryAt: this.now() + 1_000 }))
      .then((result) => {
        lane.running = false;
        this.active -= 1;
        if (result === "held") lane.held = true;
        else {
          const index = lane.jobs.findIndex((job) => job.id === head.id);
          if (result === "settled") {
            if (index !== -1) lane.jobs.splice(index, 1);
          } else if (index !== -1) lane.jobs[index] = { ...head, runAt: result.retryAt };
        }
        this.schedule(name);
        for (const next of this.ready) {
          if (this.active >= this.concurrency) break;
          this.schedule(next);
        }
      });
  }
}
