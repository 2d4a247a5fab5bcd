import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { candidatesOf, nextAssignee } from "../../src/core/operations/rotation.js";
import type { AutoAssignments, RotationState } from "../../src/core/ports/auto-assignment.js";
import type { DeliveryQueue, NewJob } from "../../src/core/ports/queue.js";

export interface AutoAssignmentsUnderTest {
  /** Handles on one database, each as a separate instance would hold it (its own connection). */
  readonly instances: readonly AutoAssignments[];
  /** The delivery queue of the first instance, the one its assignments write their jobs into. */
  readonly queue: DeliveryQueue;
  /** Runs plain SQL both databases accept (seeding rows). */
  exec(text: string): Promise<void>;
  close(): Promise<void>;
}

const channel = "C1";

/** The core's choice among the people named, as the app makes it. */
const fewestOpen = (state: RotationState) =>
  nextAssignee(candidatesOf(state.setting.rotation, ["U1", "U2", "U3"]), state);

const noJobs = () => [];
/** The jobs the app writes with an assignment (on lanes of their own here, so both are lane heads to read). */
const parentAndLine =
  (conversationId: number) =>
  (assigneeId: string): NewJob[] => [
    { lane: `slack:${conversationId}`, kind: "slack.updateParent", payload: { conversationId } },
    { lane: `notice:${conversationId}`, kind: "slack.notice", payload: { conversationId, text: assigneeId } },
  ];

/** What every AutoAssignments must do; each database's test file runs it with 3 handles on one database. */
export function autoAssignmentsContract(name: string, open: () => Promise<AutoAssignmentsUnderTest>): void {
  describe(`AutoAssignments contract: ${name}`, () => {
    let subject: AutoAssignmentsUnderTest;
    let assignments: AutoAssignments;

    beforeEach(async () => {
      subject = await open();
      assignments = subject.instances[0] as AutoAssignments;
      await subject.exec(
        `INSERT INTO "Inbox" ("id", "kind", "address", "slackChannelId", "updatedAt") VALUES (1, 'sms', '+15550001111', '${channel}', CURRENT_TIMESTAMP), (2, 'sms', '+15550002222', 'C2', CURRENT_TIMESTAMP)`,
      );
    });

    afterEach(async () => {
      await subject.close();
    });

    /** Conversations `first`..`first + count - 1` in inbox `inboxId`, open and unassigned unless told. */
    const seed = async (first: number, count: number, inboxId = 1, assigneeId: string | null = null) => {
      for (let id = first; id < first + count; id++) {
        await subject.exec(
          `INSERT INTO "Contact" ("id", "kind", "address", "updatedAt") VALUES (${id}, 'sms', '+1555000${1000 + id}', CURRENT_TIMESTAMP)`,
        );
        await subject.exec(
          `INSERT INTO "Conversation" ("id", "inboxId", "contactId", "assigneeId", "updatedAt") VALUES (${id}, ${inboxId}, ${id}, ${assigneeId === null ? "NULL" : `'${assigneeId}'`}, CURRENT_TIMESTAMP)`,
        );
      }
    };

    it("keeps a channel's rotation, and turns it off", async () => {
      expect(await assignments.rotation(channel)).toBeNull();
      await assignments.setRotation(channel, { people: ["U2", "U1"] }, "U9");
      expect(await assignments.rotation(channel)).toEqual({
        channelId: channel,
        rotation: { people: ["U2", "U1"] },
        lastAssigneeId: null,
      });
      await assignments.setRotation(channel, { everyone: true }, "U9");
      expect((await assignments.rotation(channel))?.rotation).toEqual({ everyone: true });
      await assignments.setRotation(channel, null, "U9");
      expect(await assignments.rotation(channel)).toBeNull();
    });

    it("finds a conversation waiting only when it is open, unassigned and its channel has a rotation", async () => {
      await seed(1, 1);
      await seed(2, 1, 1, "U1");
      await seed(3, 1, 2);
      expect(await assignments.waitingForRotation(1)).toBeNull();
      await assignments.setRotation(channel, { people: ["U1"] }, "U9");
      expect(await assignments.waitingForRotation(1)).toEqual({ conversationId: 1, channelId: channel });
      expect(await assignments.waitingForRotation(2)).toBeNull();
      expect(await assignments.waitingForRotation(3)).toBeNull();
      await subject.exec(`UPDATE "Conversation" SET "status" = 'closed' WHERE "id" = 1`);
      expect(await assignments.waitingForRotation(1)).toBeNull();
    });

    it("assigns to the fewest open conversations, ties in turn, skipping the paused", async () => {
      await assignments.setRotation(channel, { people: ["U1", "U2", "U3"] }, "U9");
      await seed(1, 2, 2, "U1"); // U1 already has two open conversations elsewhere
      await seed(10, 5);
      const assign = (id: number) =>
        assignments.assign({ conversationId: id, channelId: channel }, fewestOpen, noJobs);
      expect(await assign(10)).toBe("U2");
      expect(await assign(11)).toBe("U3");
      expect(await assign(12)).toBe("U2");
      expect(await assignments.setPaused("U3", true)).toBe(true);
      expect(await assignments.setPaused("U3", true)).toBe(false);
      expect(await assignments.isPaused("U3")).toBe(true);
      // U1 2, U2 2, U3 paused: the turn after U2 is U1 (U3 skipped).
      expect(await assign(13)).toBe("U1");
      expect(await assignments.setPaused("U3", false)).toBe(true);
      expect(await assignments.isPaused("U3")).toBe(false);
      expect(await assign(14)).toBe("U3");
      expect((await assignments.rotation(channel))?.lastAssigneeId).toBe("U3");
    });

    it("assigns nothing when someone assigned the conversation first, or the rotation is off", async () => {
      await assignments.setRotation(channel, { people: ["U1"] }, "U9");
      await seed(1, 1, 1, "U2");
      await seed(2, 1);
      expect(
        await assignments.assign({ conversationId: 1, channelId: channel }, fewestOpen, noJobs),
      ).toBeNull();
      await assignments.setRotation(channel, null, "U9");
      expect(
        await assignments.assign({ conversationId: 2, channelId: channel }, fewestOpen, noJobs),
      ).toBeNull();
    });

    it("writes the assignment and its jobs in one commit, and no jobs when nothing is assigned", async () => {
      await assignments.setRotation(channel, { people: ["U1"] }, "U9");
      await seed(1, 2);
      const announced: string[] = [];
      subject.queue.onAvailable((jobs) => announced.push(...jobs.map((job) => job.kind)));
      expect(
        await assignments.assign({ conversationId: 1, channelId: channel }, fewestOpen, parentAndLine(1)),
      ).toBe("U1");
      const queued = await subject.queue.unclaimed(Date.now() + 60_000, 10);
      expect(queued.map((job) => [job.kind, job.payload])).toEqual([
        ["slack.updateParent", { conversationId: 1 }],
        ["slack.notice", { conversationId: 1, text: "U1" }],
      ]);
      expect(announced).toEqual(["slack.updateParent", "slack.notice"]);
      // Assigned already: nothing more to write.
      expect(
        await assignments.assign({ conversationId: 1, channelId: channel }, fewestOpen, parentAndLine(1)),
      ).toBeNull();
      expect(await subject.queue.unclaimed(Date.now() + 60_000, 10)).toHaveLength(2);

      // When its jobs cannot be written, the conversation stays unassigned, to be assigned on its next message.
      const failure = new Error("the jobs could not be written");
      await expect(
        assignments.assign({ conversationId: 2, channelId: channel }, fewestOpen, () => {
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await assignments.waitingForRotation(2)).toEqual({ conversationId: 2, channelId: channel });
      expect(await subject.queue.unclaimed(Date.now() + 60_000, 10)).toHaveLength(2);
    });

    it("never assigns one conversation twice, and shares racing conversations evenly between instances", async () => {
      await assignments.setRotation(channel, { people: ["U1", "U2", "U3"] }, "U9");
      await seed(1, 12);
      const attempts = subject.instances.flatMap((instance) =>
        Array.from({ length: 12 }, (_, index) =>
          instance.assign({ conversationId: index + 1, channelId: channel }, fewestOpen, noJobs),
        ),
      );
      const chosen = (await Promise.all(attempts)).filter((id): id is string => id !== null);
      expect(chosen).toHaveLength(12);
      const perPerson = new Map<string, number>();
      for (const id of chosen) perPerson.set(id, (perPerson.get(id) ?? 0) + 1);
      expect(Object.fromEntries(perPerson)).toEqual({ U1: 4, U2: 4, U3: 4 });
    });
  });
}
