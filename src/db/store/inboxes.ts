import { sql } from "kysely";
import type { ChannelKind, Inbox } from "../../core/model.js";
import type { QueuedJob } from "../../core/ports/queue.js";
import type { InboxChange, InboxChangeOutcome, InboxCounts } from "../../core/ports/store.js";
import { toInbox } from "../rows.js";
import { prepareAll } from "../sql/prepare-all.js";
import { statement } from "../sql/statement.js";
import { all, first } from "../sql/transaction.js";
import { inboundStatements, rowsOfConversations } from "./inbound-state.js";
import { commit, customerPosts, type Row, type Step, type StoreParts } from "./shared.js";

const statements = {
  byChannel: statement<{ slackChannelId: string }, Row>("store_inboxes_for_channel", ({ db }, p) =>
    db.selectFrom("Inbox").selectAll().where("slackChannelId", "=", p.slackChannelId).orderBy("id"),
  ),
  connectedChannels: statement<Record<string, never>, { slackChannelId: string }>(
    "store_connected_channels",
    ({ db }) =>
      db
        .selectFrom("Inbox")
        .select("slackChannelId")
        .distinct()
        .where("slackChannelId", "is not", null)
        .$narrowType<{ slackChannelId: string }>(),
  ),
  // Locked: two people connecting the same inbox at once are decided one after the other.
  lockedInbox: statement<{ kind: string; address: string }, Row>("store_inbox_locked", ({ db, locked }, p) =>
    locked(db.selectFrom("Inbox").selectAll().where("kind", "=", p.kind).where("address", "=", p.address)),
  ),
  rememberThreads: statement<{ inboxId: number; now: Date }, never>("store_remember_threads", ({ db }, p) =>
    db
      .insertInto("PastThread")
      .columns(["slackChannelId", "slackThreadTs", "conversationId", "createdAt"])
      .expression(
        db
          .selectFrom("Conversation")
          .select(["slackChannelId", "slackThreadTs", "id", sql<Date>`${p.now}`.as("createdAt")])
          .where("inboxId", "=", p.inboxId)
          .where("slackChannelId", "is not", null)
          .where("slackThreadTs", "is not", null)
          .$narrowType<{ slackChannelId: string; slackThreadTs: string }>(),
      )
      .onConflict((conflict) => conflict.doNothing()),
  ),
  connect: statement<{ inboxId: number; to: string | null; userId: string; now: Date }, never>(
    "store_connect_inbox",
    ({ db }, p) =>
      db
        .updateTable("Inbox")
        .set({
          slackChannelId: p.to,
          connectedBy: p.userId,
          connectedAt: p.now,
          deliveryProblem: null,
          updatedAt: p.now,
        })
        .where("id", "=", p.inboxId),
  ),
  setProblem: statement<{ inboxId: number; problem: string | null; now: Date }, never>(
    "store_set_inbox_problem",
    ({ db }, p) =>
      db
        .updateTable("Inbox")
        .set({ deliveryProblem: p.problem, updatedAt: p.now })
        .where("id", "=", p.inboxId),
  ),
  conversationIds: statement<{ inboxId: number }, { id: number }>("store_conversation_ids", ({ db }, p) =>
    db.selectFrom("Conversation").select("id").where("inboxId", "=", p.inboxId),
  ),
  counts: statement<{ inboxId: number }, { open: unknown; closed: unknown; unassigned: unknown }>(
    "store_inbox_counts",
    ({ db }, p) =>
      db
        .selectFrom("Conversation")
        .select([
          sql`sum(case when "status" = 'open' then 1 else 0 end)`.as("open"),
          sql`sum(case when "status" = 'closed' then 1 else 0 end)`.as("closed"),
          sql`sum(case when "status" = 'open' and "assigneeId" is null then 1 else 0 end)`.as("unassigned"),
        ])
        .where("inboxId", "=", p.inboxId),
  ),
  waiting: statement<{ inboxId: number }, { count: number | string }>("store_waiting_messages", ({ db }, p) =>
    db
      .selectFrom("Message as m")
      .innerJoin("Conversation as c", "c.id", "m.conversationId")
      .select((eb) => eb.fn.countAll().as("count"))
      .where("c.inboxId", "=", p.inboxId)
      .where("m.direction", "=", sql.lit("in"))
      .where("m.slackTs", "is", null)
      .where("m.status", "=", sql.lit("received")),
  ),
};

/** Inboxes, their channels and holds. */
export class Inboxes {
  private readonly s;
  private readonly rows;
  private readonly byId;

  constructor(private readonly parts: StoreParts) {
    this.s = prepareAll(parts.database, statements);
    this.rows = rowsOfConversations(parts.database);
    this.byId = parts.database.prepare(inboundStatements.inboxById);
  }

  async find(kind: ChannelKind, address: string): Promise<Inbox | null> {
    const [row] = await this.rows.inbox.read({ kind, address });
    return row ? toInbox(row) : null;
  }

  async byInboxId(inboxId: number): Promise<Inbox | null> {
    const [row] = await this.byId.read({ id: inboxId });
    return row ? toInbox(row) : null;
  }

  async forChannel(slackChannelId: string): Promise<readonly Inbox[]> {
    return (await this.s.byChannel.read({ slackChannelId })).map(toInbox);
  }

  async connectedChannelIds(): Promise<readonly string[]> {
    return (await this.s.connectedChannels.read({})).map((row) => String(row.slackChannelId));
  }

  async connect(change: InboxChange): Promise<InboxChangeOutcome> {
    const { s, rows } = this;
    const release = (inboxId: number) => this.release(inboxId);
    const queue = this.parts.jobs;
    return commit<InboxChangeOutcome>(this.parts, function* () {
      const now = new Date();
      const key = { kind: change.kind, address: change.address };
      let found = yield* first(s.lockedInbox, key);
      if (!found && !change.from.includes(null))
        return { outcome: { changed: false, inbox: null }, jobs: [] };
      found ??= yield* first(rows.insertInbox, { ...key, now });
      found ??= yield* first(s.lockedInbox, key);
      if (!found) throw new Error(`the inbox ${change.kind} ${change.address} could not be created`);
      const before = toInbox(found);
      if (!change.from.includes(before.slackChannelId)) {
        return { outcome: { changed: false, inbox: before }, jobs: [] };
      }
      if (before.slackChannelId && before.slackChannelId !== change.to) {
        yield* all(s.rememberThreads, { inboxId: before.id, now });
      }
      yield* all(s.connect, { inboxId: before.id, to: change.to, userId: change.userId, now });
      const released = change.to ? yield* release(before.id) : [];
      return {
        outcome: { changed: true, before, released: customerPosts(released) },
        jobs: [...released, ...(yield* queue.insertJobs(change.jobs ?? [], now))],
      };
    });
  }

  async releaseHeld(inboxId: number): Promise<number> {
    const { s } = this;
    const release = (id: number) => this.release(id);
    return commit(this.parts, function* () {
      yield* all(s.setProblem, { inboxId, problem: null, now: new Date() });
      const released = yield* release(inboxId);
      return { outcome: customerPosts(released), jobs: released };
    });
  }

  async setProblem(inboxId: number, problem: string | null): Promise<void> {
    await this.s.setProblem.commitNow({ inboxId, problem, now: new Date() });
  }

  /** In a transaction: the inbox's parked lanes run again; their jobs, to announce once committed. */
  private *release(inboxId: number): Step<QueuedJob[]> {
    const conversations = yield* all(this.s.conversationIds, { inboxId });
    return yield* this.parts.jobs.releaseLanes(
      conversations.flatMap(({ id }) => this.parts.lanesOf(Number(id))),
    );
  }

  async counts(inboxId: number): Promise<InboxCounts> {
    const [row] = await this.s.counts.read({ inboxId });
    return {
      open: Number(row?.open ?? 0),
      closed: Number(row?.closed ?? 0),
      unassigned: Number(row?.unassigned ?? 0),
    };
  }

  async waiting(inboxId: number): Promise<number> {
    const [row] = await this.s.waiting.read({ inboxId });
    return Number(row?.count ?? 0);
  }
}
