import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeliveryQueue, NewJob } from "../../src/core/ports/queue.js";
import type {
  NewScheduledMessage,
  ScheduledMessage,
  ScheduledMessageStore,
} from "../../src/core/ports/scheduled-messages.js";

export interface ScheduledUnderTest {
  /** Handles on one database, each as a separate instance would hold it. */
  readonly instances: readonly ScheduledMessageStore[];
  /** The delivery queue of the first instance, the one `add` writes its jobs into. */
  readonly queue: DeliveryQueue;
  close(): Promise<void>;
}

const t0 = new Date("2026-12-07T10:00:00.000Z");
const message = (slackTs: string, sendAt: Date, authorId = "U1"): NewScheduledMessage => ({
  conversationId: 7,
  slackChannelId: "C1",
  slackTs,
  threadTs: "1700000000.000100",
  authorId,
  body: "Your order <shipped> & is on its way",
  sendAt,
  createdAt: t0,
});

const sendJob = ({ id, sendAt }: ScheduledMessage): NewJob[] => [
  {
    lane: `scheduled:${id}`,
    kind: "customer.scheduled",
    payload: { scheduledId: id, when: "in an hour" },
    runAt: sendAt.getTime(),
  },
];
const noJobs = () => [];

/** What every ScheduledMessageStore must do; each implementation's test file runs this suite against it. */
export function scheduledMessagesContract(name: string, open: () => Promise<ScheduledUnderTest>): void {
  describe(`ScheduledMessageStore contract: ${name}`, () => {
    let subject: ScheduledUnderTest;
    let store: ScheduledMessageStore;

    beforeEach(async () => {
      subject = await open();
      store = subject.instances[0] as ScheduledMessageStore;
    });

    afterEach(async () => {
      await subject.close();
    });

    it("keeps a message once per Slack message, as scheduled, and reads it back", async () => {
      const sendAt = new Date(t0.getTime() + 3_600_000);
      const added = await store.add(message("1700000000.000200", sendAt), noJobs);
      expect(added).toMatchObject({
        ...message("1700000000.000200", sendAt),
        state: "scheduled",
        cancelledBy: null,
        noticeTs: null,
      });
      expect(await store.add(message("1700000000.000200", sendAt), noJobs)).toBeNull();
      await store.setNotice(added?.id as number, "1700000000.000300");
      expect(await store.get(added?.id as number)).toEqual({ ...added, noticeTs: "1700000000.000300" });
      expect(await store.get(9999)).toBeNull();
    });

    it("keeps a message and its jobs in one commit, announced once committed", async () => {
      const announced: number[] = [];
      subject.queue.onAvailable((jobs) => announced.push(...jobs.map((job) => job.id)));
      const added = await store.add(message("1.000010", t0), sendJob);
      const queued = await subject.queue.unclaimed(t0.getTime(), 10);
      expect(queued.map((job) => [job.kind, job.lane])).toEqual([
        ["customer.scheduled", `scheduled:${added?.id}`],
      ]);
      expect(announced).toEqual(queued.map((job) => job.id));
      // Slack redelivering the message: nothing more is kept, no second send.
      expect(await store.add(message("1.000010", t0), sendJob)).toBeNull();
      expect(await subject.queue.unclaimed(t0.getTime(), 10)).toHaveLength(1);
    });

    it("keeps nothing when its jobs cannot be written: no message that would never be sent", async () => {
      const failure = new Error("the jobs could not be written");
      await expect(
        store.add(message("1.000011", t0), () => {
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store.pendingBy("U1")).toEqual([]);
      expect(await subject.queue.unclaimed(t0.getTime(), 10)).toEqual([]);
    });

    it("lists an author's pending messages soonest first, without sent or cancelled ones", async () => {
      const later = await store.add(message("1.000002", new Date(t0.getTime() + 7_200_000)), noJobs);
      const sooner = await store.add(message("1.000003", new Date(t0.getTime() + 60_000)), noJobs);
      const cancelled = await store.add(message("1.000004", new Date(t0.getTime() + 60_000)), noJobs);
      await store.add(message("1.000005", new Date(t0.getTime() + 60_000), "U2"), noJobs);
      await store.settle(cancelled?.id as number, "cancelled", "U9");
      expect((await store.pendingBy("U1")).map((m) => m.id)).toEqual([sooner?.id, later?.id]);
    });

    it("settles once: the first of a send and a cancel wins, on any instance", async () => {
      const added = await store.add(message("1.000006", t0), noJobs);
      const id = added?.id as number;
      const [a, b] = subject.instances as [ScheduledMessageStore, ScheduledMessageStore];
      const [send, cancel] = await Promise.all([a.settle(id, "sent", null), b.settle(id, "cancelled", "U2")]);
      expect([send?.changed, cancel?.changed].filter(Boolean)).toHaveLength(1);
      const final = await store.get(id);
      expect(final?.state).toBe(send?.changed ? "sent" : "cancelled");
      expect(final?.cancelledBy).toBe(send?.changed ? null : "U2");
      expect(send?.message).toEqual(final);
      expect(await store.settle(id, "cancelled", "U3")).toEqual({ changed: false, message: final });
      expect(await store.settle(9999, "sent", null)).toBeNull();
    });
  });
}
