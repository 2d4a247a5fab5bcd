import { sql } from "kysely";
import {
  type InboundMessage,
  type Message,
  type Nudge,
  noTeamSettings,
  type SentPart,
} from "../../core/model.js";
import type { NewJob } from "../../core/ports/queue.js";
import type {
  ConversationStore,
  InboundEffects,
  InboundOutcome,
  InboundState,
  NewReply,
  Write,
} from "../../core/ports/store.js";
import { toContact, toConversation, toInbox, toMessage, toSentPart, toTeamSettings } from "../rows.js";
import { statement } from "../sql/statement.js";
import { all, first } from "../sql/transaction.js";
import type { InboundStateStep } from "./inbound-state.js";
import type { Messages } from "./messages.js";
import { commit, type RowUpdates, type StoreParts } from "./shared.js";

/** Rolls a transaction back without it being a failure: someone else recorded the same thing first. */
class AlreadyRecorded {
  constructor(readonly messageId: number) {}
}

const statements = {
  endWait: statement<{ conversationId: number; now: Date }, never>("store_end_wait", ({ db }, p) =>
    db
      .updateTable("Conversation")
      .set({ unansweredSince: null, updatedAt: p.now })
      .where("id", "=", p.conversationId),
  ),
  insertNudge: statement<
    { conversationId: number; unansweredSince: Date; assigneeId: string | null; postedAt: Date },
    { conversationId: number }
  >("store_insert_nudge", ({ db }, p) =>
    db
      .insertInto("Nudge")
      .values({
        conversationId: p.conversationId,
        unansweredSince: p.unansweredSince,
        assigneeId: p.assigneeId,
        postedAt: p.postedAt,
      })
      .onConflict((conflict) => conflict.doNothing())
      .returning("conversationId"),
  ),
  claimFormKey: statement<
    { channelId: string; formKey: string; conversationId: number; now: Date },
    { formKey: string }
  >("store_claim_form_key", ({ db }, p) =>
    db
      .insertInto("FormReply")
      .values({
        slackChannelId: p.channelId,
        formKey: p.formKey,
        conversationId: p.conversationId,
        createdAt: p.now,
      })
      .onConflict((conflict) => conflict.doNothing())
      .returning("formKey"),
  ),
  unassign: statement<{ conversationId: number; assigneeId: string; now: Date }, { id: number }>(
    "store_unassign",
    ({ db }, p) =>
      db
        .updateTable("Conversation")
        .set({ assigneeId: null, updatedAt: p.now })
        .where("id", "=", p.conversationId)
        .where("assigneeId", "=", p.assigneeId)
        .where("status", "=", sql.lit("open"))
        .returning("id"),
  ),
};

/**
 * The hot path: inbound messages, replies and provider reports, each one transaction that runs only its own
 * statements (no other await) with the jobs it causes, announced once it has committed.
 */
export class InboundWrites {
  private readonly endWait;
  private readonly claimFormKey;
  private readonly insertNudge;
  private readonly unassignStatement;

  constructor(
    private readonly parts: StoreParts,
    private readonly messages: Messages,
    private readonly updates: RowUpdates,
    private readonly inboundState: InboundStateStep,
  ) {
    this.endWait = parts.database.prepare(statements.endWait);
    this.claimFormKey = parts.database.prepare(statements.claimFormKey);
    this.insertNudge = parts.database.prepare(statements.insertNudge);
    this.unassignStatement = parts.database.prepare(statements.unassign);
  }

  async recordInbound(
    inbound: InboundMessage,
    decide: (state: InboundState) => InboundEffects,
  ): Promise<InboundOutcome> {
    const { messages, updates, inboundState } = this;
    const { jobs } = this.parts;
    try {
      return await commit<InboundOutcome>(this.parts, function* () {
        const now = new Date();
        const state = yield* inboundState(inbound, now);
        if (state.duplicate !== null) {
          return { outcome: { result: "duplicate" as const, messageId: state.duplicate }, jobs: [] };
        }
        const conversation = toConversation(state.conversation);
        const messageId = yield* messages.insert({
          conversationId: conversation.id,
          direction: "in",
          body: inbound.text,
          attachments: JSON.stringify(inbound.attachments),
          provider: inbound.kind,
          providerMessageId: inbound.providerMessageId,
          slackChannelId: null,
          slackTs: null,
          authorSlackUserId: null,
          status: "received",
          createdAt: inbound.receivedAt,
          updatedAt: now,
        });
        if (messageId === null) {
          // Another instance recorded it since the state was read: rolled back, answered as a duplicate.
          const known = yield* first(messages.statements.byProvider, {
            kind: inbound.kind,
            providerMessageId: inbound.providerMessageId,
          });
          throw new AlreadyRecorded(Number(known?.id));
        }
        const inbox = toInbox(state.inbox);
        const team = inbox.slackChannelId ? (state.team ? toTeamSettings(state.team) : noTeamSettings) : null;
        const effects = decide({
          inbox,
          contact: toContact(state.contact),
          conversation,
          created: state.created,
          team,
        });
        yield* updates.update("Conversation", conversation.id, effects.conversation, now);
        const autoReplyId =
          effects.autoReply === undefined
            ? null
            : yield* messages.insert({
                conversationId: conversation.id,
                direction: "out",
                body: effects.autoReply,
                attachments: "[]",
                provider: inbound.kind,
                providerMessageId: null,
                slackChannelId: null,
                slackTs: null,
                authorSlackUserId: null,
                status: "pending",
                createdAt: now,
                updatedAt: now,
              });
        return {
          outcome: { result: "recorded" as const, conversationId: conversation.id, messageId },
          jobs: yield* jobs.insertJobs(
            effects.jobs({ conversationId: conversation.id, messageId, autoReplyId }),
            now,
          ),
        };
      });
    } catch (error) {
      if (error instanceof AlreadyRecorded) return { result: "duplicate", messageId: error.messageId };
      throw error;
    }
  }

  async recordReply(reply: NewReply, jobs: (messageId: number) => readonly NewJob[]): Promise<number | null> {
    const { messages, endWait, claimFormKey } = this;
    const queue = this.parts.jobs;
    return commit(this.parts, function* () {
      const now = new Date();
      // A form's key outlives the message's hold on it (its post replaces it with the Slack ts): taken first,
      // so a form or draft sent again, even after its post, writes nothing.
      if (reply.fromForm) {
        const key = {
          channelId: reply.channelId,
          formKey: reply.ts,
          conversationId: reply.conversationId,
          now,
        };
        if (!(yield* first(claimFormKey, key))) return { outcome: null, jobs: [] };
      }
      const messageId = yield* messages.insert({
        conversationId: reply.conversationId,
        direction: "out",
        body: reply.text,
        attachments: JSON.stringify(reply.files),
        provider: reply.provider,
        providerMessageId: null,
        slackChannelId: reply.channelId,
        slackTs: reply.ts,
        authorSlackUserId: reply.userId,
        status: "pending",
        createdAt: now,
        updatedAt: now,
      });
      // Its Slack ts is known: recorded before (a redelivered event), nothing more to do.
      if (messageId === null) return { outcome: null, jobs: [] };
      yield* all(endWait, { conversationId: reply.conversationId, now });
      return { outcome: messageId, jobs: yield* queue.insertJobs(jobs(messageId), now) };
    });
  }

  async recordReport(
    report: Parameters<ConversationStore["recordReport"]>[0],
    decide: (messages: readonly Message[], parts: readonly SentPart[]) => Write,
  ): Promise<readonly Message[]> {
    const { statements } = this.messages;
    const { updates } = this;
    const queue = this.parts.jobs;
    return commit(this.parts, function* () {
      const byId = new Map<number, Message>();
      if (report.providerMessageIds.length > 0) {
        const { kind, providerMessageIds } = report;
        for (const row of yield* all(statements.reportedByIds, { kind, providerMessageIds })) {
          byId.set(Number(row.id), toMessage(row));
        }
      }
      if (report.upTo) {
        const upTo = {
          kind: report.kind,
          inbox: report.inboxAddress,
          contact: report.contactAddress,
          upTo: report.upTo,
        };
        for (const row of yield* all(statements.reportedUpTo, upTo)) byId.set(Number(row.id), toMessage(row));
      }
      const messages = [...byId.values()].sort((a, b) => a.id - b.id);
      const parts: SentPart[] = [];
      for (const message of messages) {
        parts.push(...(yield* all(statements.sentParts, { messageId: message.id })).map(toSentPart));
      }
      const write = decide(messages, parts);
      const jobs = yield* updates.apply(queue, write, new Date());
      const changedIds = new Set((write.messages ?? []).map(([id]) => id));
      return { outcome: messages.filter((message) => changedIds.has(message.id)), jobs };
    });
  }

  async write(write: Write): Promise<void> {
    const { updates } = this;
    const queue = this.parts.jobs;
    const [single, ...more] = [
      ...(write.conversations ?? []).map(([id, changes]) => ["Conversation", id, changes] as const),
      ...(write.messages ?? []).map(([id, changes]) => ["Message", id, changes] as const),
      ...(write.contacts ?? []).map(([id, profile]) => ["Contact", id, profile] as const),
    ];
    // One change is one statement, atomic on its own: committed at once, without a transaction around it.
    if (single && more.length === 0 && !write.parts?.length && !write.jobs?.length) {
      await updates.updateNow(single[0], single[1], single[2], new Date());
      return;
    }
    await commit(this.parts, function* () {
      return { outcome: undefined, jobs: yield* updates.apply(queue, write, new Date()) };
    });
  }

  async recordNudge(nudge: Nudge, jobs: readonly NewJob[]): Promise<boolean> {
    const { insertNudge } = this;
    const queue = this.parts.jobs;
    return commit(this.parts, function* () {
      const inserted = yield* first(insertNudge, nudge);
      if (!inserted) return { outcome: false, jobs: [] };
      return { outcome: true, jobs: yield* queue.insertJobs(jobs, new Date()) };
    });
  }

  async unassign(conversationId: number, assigneeId: string, jobs: readonly NewJob[]): Promise<boolean> {
    const { unassignStatement } = this;
    const queue = this.parts.jobs;
    return commit(this.parts, function* () {
      const now = new Date();
      const cleared = yield* first(unassignStatement, { conversationId, assigneeId, now });
      if (!cleared) return { outcome: false, jobs: [] };
      return { outcome: true, jobs: yield* queue.insertJobs(jobs, now) };
    });
  }
}
