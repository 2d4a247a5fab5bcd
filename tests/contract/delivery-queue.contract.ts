import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeliveryQueue, Job, NewJob, QueuedJob } from "../../src/core/ports/queue.js";

export interface QueueUnderTest {
  readonly queue: DeliveryQueue;
  /**
   * Starts a lease owner as its implementation marks one alive (a process of its own where that matters);
   * resolves with a function that ends it as a crash would (its process killed, its session gone).
   */
  startOwner(owner: string): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const notice = (lane: string, text: string): NewJob => ({
  lane,
  kind: "slack.notice",
  payload: { conversationId: 1, text },
});

const lease = 30_000;

/** What every DeliveryQueue must do; each implementation's test file runs this suite against it. */
export function deliveryQueueContract(name: string, open: () => Promise<QueueUnderTest>): void {
  describe(`DeliveryQueue contract: ${name}`, () => {
    let subject: QueueUnderTest;
    let queue: DeliveryQueue;
    let announced: QueuedJob[];
    const now = Date.now();

    beforeEach(async () => {
      subject = await open();
      queue = subject.queue;
      announced = [];
      queue.onAvailable((jobs) => announced.push(...jobs));
    });

    afterEach(async () => {
      await subject.close();
    });

    /** A claim the test expects to succeed. */
    const take = async (id: number, owner: string, at = now, until = now + lease): Promise<Job> => {
      const job = await queue.claim(id, owner, at, until);
      if (!job) throw new Error(`job ${id} could not be claimed by ${owner}`);
      return job;
    };

    it("announces committed jobs in id order and lists only lane heads", async () => {
      await queue.enqueue([notice("a", "1"), notice("b", "1"), notice("a", "2")]);
      expect(announced.map((job) => [job.lane, job.kind, job.payload])).toEqual([
        ["a", "slack.notice", { conversationId: 1, text: "1" }],
        ["b", "slack.notice", { conversationId: 1, text: "1" }],
        ["a", "slack.notice", { conversationId: 1, text: "2" }],
      ]);
      expect(announced.map((job) => job.id)).toEqual(
        [...announced.map((job) => job.id)].sort((x, y) => x - y),
      );
      const heads = await queue.unclaimed(now, 10);
      expect(heads.map((job) => job.id)).toEqual([announced[0]?.id, announced[1]?.id]);
    });

    it("leases a lane head to one owner, keeps the rest of the lane behind it, and frees the lane on completion", async () => {
      await queue.enqueue([notice("a", "1"), notice("a", "2")]);
      const [first, second] = announced as [QueuedJob, QueuedJob];
      expect(await queue.claim(second.id, "w1", now, now + lease)).toBeNull();
      const job = await take(first.id, "w1");
      expect(job).toMatchObject({ id: first.id, attempts: 1, uncertain: false, lastError: null });
      expect(await queue.claim(first.id, "w2", now, now + lease)).toBeNull();
      expect(await queue.unclaimed(now, 10)).toEqual([]);
      expect(await queue.complete(job, "w1")).toBe(true);
      expect((await queue.unclaimed(now, 10)).map((head) => head.id)).toEqual([second.id]);
      expect(await queue.claim(second.id, "w2", now, now + lease)).toMatchObject({ id: second.id });
    });

    it("holds a retried job until its time and tells the next attempt when the outcome is unknown", async () => {
      await queue.enqueue([notice("a", "1")]);
      const [first] = announced as [QueuedJob];
      const job = await take(first.id, "w1");
      await queue.retry(job, "w1", now + 5_000, "Slack answered HTTP 503", true);
      expect(await queue.claim(first.id, "w1", now + 4_999, now + lease)).toBeNull();
      const [listed] = await queue.unclaimed(now, 10);
      expect(listed?.runAt).toBe(now + 5_000);
      const again = await take(first.id, "w1", now + 5_000, now + 5_000 + lease);
      expect(again).toMatchObject({ attempts: 2, uncertain: true, lastError: "Slack answered HTTP 503" });
    });

    it("keeps a job uncertain through every later retry and release until it completes", async () => {
      await queue.enqueue([notice("a", "1")]);
      const [first] = announced as [QueuedJob];
      await queue.retry(await take(first.id, "w1"), "w1", now, "Slack answered HTTP 500", true);
      // The look-up of the next attempt is refused (a 429): a clear "not done", which says nothing of the first.
      await queue.retry(await take(first.id, "w1"), "w1", now, "Slack rate limit", false);
      await queue.release(await take(first.id, "w2"), "w2");
      const third = await take(first.id, "w1");
      expect(third).toMatchObject({ attempts: 3, uncertain: true, lastError: "Slack rate limit" });
      expect(await queue.complete(third, "w1")).toBe(true);
      await queue.enqueue([notice("a", "2")]);
      const [, second] = announced as [QueuedJob, QueuedJob];
      expect(await take(second.id, "w1")).toMatchObject({ uncertain: false });
    });

    it("does not count an attempt that was given back before it started", async () => {
      await queue.enqueue([notice("a", "1")]);
      const [first] = announced as [QueuedJob];
      await queue.release(await take(first.id, "w1"), "w1");
      expect(await queue.claim(first.id, "w2", now, now + lease)).toMatchObject({
        attempts: 1,
        uncertain: false,
      });
    });

    it("gives a job whose owner's lease ran out to another owner, as an uncertain attempt", async () => {
      await queue.enqueue([notice("a", "1")]);
      const [first] = announced as [QueuedJob];
      const lost = await take(first.id, "w1", now, now + 1_000);
      expect(await queue.claim(first.id, "w2", now + 999, now + lease)).toBeNull();
      expect(await queue.unclaimed(now + 1_001, 10)).toHaveLength(1);
      const taken = await take(first.id, "w2", now + 1_001, now + lease);
      expect(taken).toMatchObject({ attempts: 2, uncertain: true });
      expect(await queue.complete(lost, "w1")).toBe(false);
      expect(await queue.complete(taken, "w2")).toBe(true);
    });

    it("keeps a renewed lease", async () => {
      await queue.enqueue([notice("a", "1")]);
      const [first] = announced as [QueuedJob];
      await queue.claim(first.id, "w1", now, now + 1_000);
      await queue.renew([first.id], "w1", now + 10_000);
      await queue.renew([first.id], "w2", now + 1);
      expect(await queue.claim(first.id, "w2", now + 5_000, now + lease)).toBeNull();
    });

    it("takes over the leases of an owner once its process has ended, and not before", async () => {
      const end = await subject.startOwner("gone");
      await subject.startOwner("alive");
      await subject.startOwner("successor");
      await queue.enqueue([notice("a", "1"), notice("b", "1")]);
      const [first, second] = announced as [QueuedJob, QueuedJob];
      await take(first.id, "gone");
      await take(second.id, "alive");
      // PostgreSQL judges an owner on two checks (time apart in production: PgLeaseOwners.reapDead).
      const twoChecks = async () =>
        (await queue.expireLeasesOfDeadOwners()) + (await queue.expireLeasesOfDeadOwners());
      expect(await twoChecks()).toBe(0);
      expect(await queue.claim(first.id, "w1", now + 1, now + lease)).toBeNull();
      await end();
      expect(await twoChecks()).toBe(1);
      expect(await queue.claim(first.id, "successor", now + 1, now + lease)).toMatchObject({
        attempts: 2,
        uncertain: true,
      });
      expect(await queue.claim(second.id, "successor", now + 1, now + lease)).toBeNull();
      expect(await twoChecks()).toBe(0);
    });

    it("holds a lane behind a parked job until it is unparked, and announces it again", async () => {
      await queue.enqueue([notice("a", "1"), notice("a", "2")]);
      const [first, second] = announced as [QueuedJob, QueuedJob];
      await queue.park(await take(first.id, "w1"), "w1", "no channel");
      expect(await queue.unclaimed(now, 10)).toEqual([]);
      expect(await queue.claim(second.id, "w1", now, now + lease)).toBeNull();
      announced = [];
      await queue.unpark(first.id);
      expect(announced.map((job) => job.id)).toEqual([first.id]);
      expect(await queue.claim(first.id, "w1", now, now + lease)).toMatchObject({ id: first.id });
    });

    it("lets the lane go on past a job that failed for good, and counts the queue", async () => {
      await queue.enqueue([notice("a", "1"), notice("a", "2"), notice("b", "1")]);
      const [first, second, third] = announced as [QueuedJob, QueuedJob, QueuedJob];
      await queue.fail(await take(first.id, "w1"), "w1", "SLACK_invalid_blocks");
      await queue.park(await take(third.id, "w1"), "w1", "no channel");
      expect((await queue.unclaimed(now, 10)).map((job) => job.id)).toEqual([second.id]);
      const stats = await queue.stats();
      expect(stats.depth).toEqual({ pending: 1, parked: 1, failed: 1 });
      expect(stats.oldestWaitingAt).toBeInstanceOf(Date);
    });

    it("keeps a job scheduled at insert until its time, without counting it as waiting before then", async () => {
      await queue.enqueue([{ ...notice("later", "1"), runAt: now + 60_000 }, notice("now", "1")]);
      const [scheduled, due] = announced as [QueuedJob, QueuedJob];
      expect(scheduled.runAt).toBe(now + 60_000);
      expect(due.runAt).toBe(0);
      expect((await queue.unclaimed(now, 10)).map((job) => [job.id, job.runAt])).toEqual([
        [scheduled.id, now + 60_000],
        [due.id, 0],
      ]);
      expect(await queue.claim(scheduled.id, "w1", now + 59_999, now + lease)).toBeNull();
      expect(await queue.complete(await take(due.id, "w1"), "w1")).toBe(true);
      expect((await queue.stats(now)).oldestWaitingAt).toBeNull();
      expect((await queue.stats(now + 60_000)).oldestWaitingAt).toBeInstanceOf(Date);
      expect(await take(scheduled.id, "w1", now + 60_000, now + 60_000 + lease)).toMatchObject({
        kind: "slack.notice",
        attempts: 1,
      });
    });

    it("lists at most `limit` heads, oldest first", async () => {
      await queue.enqueue(Array.from({ length: 5 }, (_, index) => notice(`lane-${index}`, "x")));
      expect((await queue.unclaimed(now, 3)).map((job) => job.lane)).toEqual(["lane-0", "lane-1", "lane-2"]);
    });
  });
}
