import { sql } from "kysely";
import type {
  AutoAssignments,
  Rotation,
  RotationSetting,
  RotationState,
  Unassigned,
} from "../core/ports/auto-assignment.js";
import type { NewJob } from "../core/ports/queue.js";
import type { SqlDatabase } from "./sql/database.js";
import { type Prepared, prepareAll } from "./sql/prepare-all.js";
import { statement } from "./sql/statement.js";
import { all, first } from "./sql/transaction.js";
import type { StoreJobs } from "./store/shared.js";

interface RotationRow {
  readonly slackChannelId: string;
  readonly people: string | null;
  readonly lastAssigneeId: string | null;
}

const rotationColumns = ["slackChannelId", "people", "lastAssigneeId"] as const;

const readRotation = statement<{ channelId: string }, RotationRow>("rotation_read", ({ db }, p) =>
  db.selectFrom("AutoAssign").select(rotationColumns).where("slackChannelId", "=", p.channelId),
);

const lockRotation = statement<{ channelId: string }, RotationRow>("rotation_lock", ({ db, locked }, p) =>
  locked(db.selectFrom("AutoAssign").select(rotationColumns).where("slackChannelId", "=", p.channelId)),
);

const saveRotation = statement<
  { channelId: string; people: string | null; userId: string; now: Date },
  never
>("rotation_save", ({ db }, p) =>
  db
    .insertInto("AutoAssign")
    .values({ slackChannelId: p.channelId, people: p.people, updatedBy: p.userId, updatedAt: p.now })
    .onConflict((conflict) =>
      conflict
        .column("slackChannelId")
        .doUpdateSet({ people: p.people, updatedBy: p.userId, updatedAt: p.now }),
    ),
);

const deleteRotation = statement<{ channelId: string }, never>("rotation_delete", ({ db }, p) =>
  db.deleteFrom("AutoAssign").where("slackChannelId", "=", p.channelId),
);

const waiting = statement<{ conversationId: number }, { id: number; slackChannelId: string }>(
  "rotation_waiting",
  ({ db }, p) =>
    db
      .selectFrom("Conversation")
      .innerJoin("Inbox", "Inbox.id", "Conversation.inboxId")
      .innerJoin("AutoAssign", "AutoAssign.slackChannelId", "Inbox.slackChannelId")
      .select(["Conversation.id", "AutoAssign.slackChannelId"])
      .where("Conversation.id", "=", p.conversationId)
      .where("Conversation.assigneeId", "is", null)
      .where("Conversation.status", "=", sql.lit("open")),
);

/** Under the rotation's lock: the conversation, only if it may still be assigned in that channel. */
const stillWaiting = statement<{ conversationId: number; channelId: string }, { id: number }>(
  "rotation_still_waiting",
  ({ db }, p) =>
    db
      .selectFrom("Conversation")
      .innerJoin("Inbox", "Inbox.id", "Conversation.inboxId")
      .select("Conversation.id")
      .where("Conversation.id", "=", p.conversationId)
      .where("Inbox.slackChannelId", "=", p.channelId)
      .where("Conversation.assigneeId", "is", null)
      .where("Conversation.status", "=", sql.lit("open")),
);

const openCounts = statement<Record<string, never>, { assigneeId: string; open: number | string }>(
  "rotation_open_counts",
  ({ db }) =>
    db
      .selectFrom("Conversation")
      .select(["assigneeId", (eb) => eb.fn.countAll<number>().as("open")])
      .where("status", "=", sql.lit("open"))
      .where("assigneeId", "is not", null)
      .groupBy("assigneeId")
      .$narrowType<{ assigneeId: string }>(),
);

const pausedPeople = statement<Record<string, never>, { userId: string }>("rotation_paused", ({ db }) =>
  db.selectFrom("RotationPause").select("userId"),
);

const assignConversation = statement<
  { conversationId: number; assigneeId: string; now: Date },
  { id: number }
>("rotation_assign", ({ db }, p) =>
  db
    .updateTable("Conversation")
    .set({ assigneeId: p.assigneeId, updatedAt: p.now })
    .where("id", "=", p.conversationId)
    .where("assigneeId", "is", null)
    .returning("id"),
);

const rememberTurn = statement<{ channelId: string; assigneeId: string }, never>(
  "rotation_turn",
  ({ db }, p) =>
    db
      .updateTable("AutoAssign")
      .set({ lastAssigneeId: p.assigneeId })
      .where("slackChannelId", "=", p.channelId),
);

const pause = statement<{ userId: string; now: Date }, { userId: string }>("rotation_pause", ({ db }, p) =>
  db
    .insertInto("RotationPause")
    .values({ userId: p.userId, pausedAt: p.now })
    .onConflict((conflict) => conflict.column("userId").doNothing())
    .returning("userId"),
);

const resume = statement<{ userId: string }, { userId: string }>("rotation_resume", ({ db }, p) =>
  db.deleteFrom("RotationPause").where("userId", "=", p.userId).returning("userId"),
);

const isPaused = statement<{ userId: string }, { userId: string }>("rotation_is_paused", ({ db }, p) =>
  db.selectFrom("RotationPause").select("userId").where("userId", "=", p.userId),
);

const toSetting = (row: RotationRow): RotationSetting => ({
  channelId: row.slackChannelId,
  rotation: row.people === null ? { everyone: true } : { people: row.people.split(" ").filter(Boolean) },
  lastAssigneeId: row.lastAssigneeId,
});

/** Automatic assignment on either database, written once (decision 0024). */
export class SqlAutoAssignments implements AutoAssignments {
  private readonly statements: Prepared<typeof definitions>;

  constructor(
    private readonly database: SqlDatabase,
    private readonly queue: Pick<StoreJobs, "insertJobs" | "announce">,
  ) {
    this.statements = prepareAll(database, definitions);
  }

  async rotation(channelId: string): Promise<RotationSetting | null> {
    const [row] = await this.statements.readRotation.read({ channelId });
    return row ? toSetting(row) : null;
  }

  async setRotation(channelId: string, rotation: Rotation | null, userId: string): Promise<void> {
    if (rotation === null) {
      await this.statements.deleteRotation.commitNow({ channelId });
      return;
    }
    const people = "everyone" in rotation ? null : rotation.people.join(" ");
    await this.statements.saveRotation.commitNow({ channelId, people, userId, now: new Date() });
  }

  async waitingForRotation(conversationId: number): Promise<Unassigned | null> {
    const [row] = await this.statements.waiting.read({ conversationId });
    return row ? { conversationId: Number(row.id), channelId: row.slackChannelId } : null;
  }

  async setPaused(userId: string, paused: boolean): Promise<boolean> {
    const rows = paused
      ? await this.statements.pause.commitNow({ userId, now: new Date() })
      : await this.statements.resume.commitNow({ userId });
    return rows.length > 0;
  }

  async isPaused(userId: string): Promise<boolean> {
    return (await this.statements.isPaused.read({ userId })).length > 0;
  }

  async assign(
    unassigned: Unassigned,
    choose: (state: RotationState) => string | null,
    jobs: (assigneeId: string) => readonly NewJob[],
  ): Promise<string | null> {
    const { statements: s, queue } = this;
    const { conversationId, channelId } = unassigned;
    const nobody = { assigneeId: null, queued: [] };
    const { assigneeId, queued } = await this.database.transaction(function* () {
      // The lock first: racing instances read the workload one after the other, each seeing the last choice.
      const row = yield* first(s.lockRotation, { channelId });
      if (!row) return nobody;
      if (!(yield* first(s.stillWaiting, { conversationId, channelId }))) return nobody;
      const counts = yield* all(s.openCounts, {});
      const paused = yield* all(s.pausedPeople, {});
      const chosen = choose({
        setting: toSetting(row),
        openCounts: new Map(counts.map((count) => [count.assigneeId, Number(count.open)])),
        paused: new Set(paused.map((person) => person.userId)),
      });
      if (chosen === null) return nobody;
      const now = new Date();
      if (!(yield* first(s.assignConversation, { conversationId, assigneeId: chosen, now }))) return nobody;
      yield* all(s.rememberTurn, { channelId, assigneeId: chosen });
      // In the same commit: an assignment whose parent still said "Unassigned" would never be corrected.
      return { assigneeId: chosen, queued: yield* queue.insertJobs(jobs(chosen), now) };
    });
    queue.announce(queued);
    return assigneeId;
  }
}

const definitions = {
  readRotation,
  lockRotation,
  saveRotation,
  deleteRotation,
  waiting,
  stillWaiting,
  openCounts,
  pausedPeople,
  assignConversation,
  rememberTurn,
  pause,
  resume,
  isPaused,
};
