/* Replies written `later <when>: …`, kept until they are sent or cancelled: the port the core uses, implemented
 * once on src/db/sql. A delivery job due at `sendAt` sends each (decision 0031). */

import type { NewJob } from "./queue.js";

export type ScheduledState = "scheduled" | "sent" | "cancelled";

export interface ScheduledMessage {
  readonly id: number;
  readonly conversationId: number;
  readonly slackChannelId: string;
  /** The `later …` message in Slack: the reply is recorded under its ts when sent. */
  readonly slackTs: string;
  readonly threadTs: string;
  readonly authorId: string;
  /** The text to send (Slack text, as typed after the colon). */
  readonly body: string;
  readonly sendAt: Date;
  readonly state: ScheduledState;
  readonly cancelledBy: string | null;
  /** The "🕘 Scheduled for …" line with its Cancel button, once posted. */
  readonly noticeTs: string | null;
  readonly createdAt: Date;
}

export type NewScheduledMessage = Omit<ScheduledMessage, "id" | "state" | "cancelledBy" | "noticeTs">;

export interface ScheduledMessageStore {
  /**
   * Keeps it with `jobs(added)` (its send and its line in the thread) in one commit; null, and no jobs, when
   * the Slack message was scheduled already (Slack redelivered its event).
   */
  add(
    message: NewScheduledMessage,
    jobs: (added: ScheduledMessage) => readonly NewJob[],
  ): Promise<ScheduledMessage | null>;
  get(id: number): Promise<ScheduledMessage | null>;
  setNotice(id: number, noticeTs: string): Promise<void>;
  /**
   * Moves it from `scheduled` to `state` (who cancelled, for a cancel). `changed` is false when it had left
   * `scheduled` already (sent, or cancelled by someone else): the first to settle it wins. Null when unknown.
   */
  settle(
    id: number,
    state: "sent" | "cancelled",
    by: string | null,
  ): Promise<{ readonly changed: boolean; readonly message: ScheduledMessage } | null>;
  /** The messages `authorId` scheduled that are still to be sent, soonest first. */
  pendingBy(authorId: string): Promise<readonly ScheduledMessage[]>;
}
