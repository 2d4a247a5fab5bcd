import type { ChannelKind } from "../model.js";

/* What `/threadline report` reads: one channel's history between two moments, as rows the core sums up. */

export interface ReportMessage {
  readonly conversationId: number;
  readonly direction: "in" | "out";
  readonly kind: ChannelKind;
  readonly status: string;
  /** The agent who wrote an outbound message; null for the customer's and for automatic ones. */
  readonly authorId: string | null;
  readonly at: Date;
}

export interface ReportHistory {
  /** Conversations created in the period. */
  readonly opened: number;
  /** Who closed each conversation closed in the period (its latest close). */
  readonly closedBy: readonly (string | null)[];
  /** Messages from `waitsFrom` (earlier than the period, so waits that began before it are seen) to the end. */
  readonly messages: readonly ReportMessage[];
  /** Response-time nudges posted in the period: waits that went past the target. */
  readonly nudges: number;
  /** Satisfaction answers given in the period. */
  readonly scores: readonly number[];
}

export interface ReportPeriod {
  readonly channelId: string;
  readonly from: Date;
  readonly to: Date;
  readonly waitsFrom: Date;
}

export interface DailySchedule {
  /** "HH:MM" in the channel's time zone. */
  readonly time: string;
  readonly lastPostedDay: string | null;
}

export interface Reports {
  history(period: ReportPeriod): Promise<ReportHistory>;
  dailySchedule(channelId: string): Promise<DailySchedule | null>;
  /** Sets the channel's daily post at `time`, or stops it (null). */
  setDailySchedule(channelId: string, time: string | null, userId: string): Promise<void>;
  /**
   * Claims `day`'s post for job `jobId` if the schedule is still at `time` and the day is not posted by another
   * job (the same job may claim again: a retry). False when the post is not this job's to make.
   */
  claimDay(channelId: string, time: string, day: string, jobId: number): Promise<boolean>;
}
