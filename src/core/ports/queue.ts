/* The delivery queue: the outbox's port. Every side effect is a job row committed with the state change that
 * caused it; workers (one per instance) claim lane heads with a lease. SQLite, PostgreSQL and the in-memory
 * implementation pass one contract suite (tests/contract/delivery-queue.contract.ts). */

export type JobKind =
  | "slack.postInbound"
  | "slack.postStarted"
  | "slack.postMedia"
  | "slack.updateParent"
  | "slack.notice"
  | "slack.channelNotice"
  | "slack.erasePosts"
  | "slack.react"
  | "slack.reminder"
  | "slack.postAutoReply"
  | "slack.nudge"
  | "slack.dailyReport"
  | "customer.send"
  | "customer.scheduled"
  | "slack.scheduledNotice"
  | "contact.refreshProfile"
  | "campaign.send"
  | "campaign.progress";

export interface JobPayloads {
  "slack.postInbound": { messageId: number; reopened?: boolean };
  /** An agent's first message from `/threadline text`: posted in the thread under their name, then sent. */
  /** `formKey`: the message was written in a form; its slackTs holds this key until it is posted. */
  /** `byWorkflow`: a Workflow Builder step wrote it; posted as the workflow run by its author. */
  "slack.postStarted": { messageId: number; formKey?: string; byWorkflow?: boolean };
  /** One attachment of an inbound message, uploaded into the thread after its text. */
  "slack.postMedia": { messageId: number; index: number };
  "slack.react": { messageId: number; name: string };
  "slack.updateParent": { conversationId: number };
  /**
   * A line in the conversation's thread. `currentChannel`: in its inbox's current channel, starting a thread there
   * when the conversation's is in a channel the inbox has left (a nudge is for the team that answers now).
   */
  /** `sendAgain`: the reply (message id) the line offers to send again, with a button. */
  "slack.notice": { conversationId: number; text: string; currentChannel?: boolean; sendAgain?: number };
  /** A top-level message in a channel, about the channel itself (e.g. an inbox moved away from it). */
  "slack.channelNotice": { channelId: string; text: string };
  /** The app's own posts of an erased customer (parents, their messages) replaced by `text`, in order. */
  "slack.erasePosts": { channelId: string; ts: string[]; text: string };
  /** At its `runAt`, a line in the conversation's thread mentioning `userId`, unless the conversation is closed. */
  "slack.reminder": { conversationId: number; userId: string };
  /**
   * The away reply (an outbound message with no author), shown in the thread; `customer.send` sends it.
   * `optOutConfirmation`: it is instead the text confirming an opt-out, sent even though the customer opted out.
   */
  "slack.postAutoReply": { messageId: number; optOutConfirmation?: true };
  /**
   * At its `runAt`, a line in the thread mentioning the assignee, unless the wait that began at `since` (epoch
   * ms) has ended (a reply, a close, the assignee's note) or the team cleared its response-time target.
   */
  "slack.nudge": { conversationId: number; since: number };
  "customer.send": { messageId: number; optOutConfirmation?: true };
  /** At its `runAt`, a scheduled message is sent as its writer's reply, unless cancelled; `when` reads its time. */
  "customer.scheduled": { scheduledId: number; when: string };
  /** The "🕘 Scheduled for …" line, with its Cancel button, in the thread. */
  "slack.scheduledNotice": { scheduledId: number; text: string };
  /** At its `runAt`, the channel's report of the last 24 hours, if `time` is still its daily time (then the next). */
  "slack.dailyReport": { channelId: string; time: string };
  /**
   * Looks the contact's profile up and stores it. `inline`: queued on the conversation's Slack lane ahead of
   * its first post, so it never fails (a failed lookup hands over to a retrying job on the contact's lane).
   */
  "contact.refreshProfile": { conversationId: number; inline: boolean; name?: string };
  /** Link `tick` of a campaign's chain: one recipient sent to, then the next link queued (decision 0032). */
  "campaign.send": { campaignId: number; tick: number };
  /** The campaign's progress message in its channel, posted or edited. */
  "campaign.progress": { campaignId: number };
}

export type NewJob = {
  [K in JobKind]: {
    readonly lane: string;
    readonly kind: K;
    readonly payload: JobPayloads[K];
    /** Epoch ms before which it must not run (a reminder); now when absent. */
    readonly runAt?: number;
  };
}[JobKind];

/** A job as committed: known to every worker that hears of it, claimable by one. */
export type QueuedJob = NewJob & {
  readonly id: number;
  /** Epoch ms before which it must not run (backoff); 0 means now. */
  readonly runAt: number;
  readonly createdAt: Date;
};

/** A job this worker holds the lease of. */
export type Job = QueuedJob & {
  /** Attempts so far, this one included. */
  readonly attempts: number;
  readonly lastError: string | null;
  /**
   * An earlier attempt may have taken effect: it was interrupted (its owner's lease ran out, or its owner died)
   * or it failed without an answer. The handler looks for its own earlier effect before acting again.
   */
  readonly uncertain: boolean;
};

export interface QueueStats {
  readonly depth: { readonly pending: number; readonly parked: number; readonly failed: number };
  /** When the oldest job still to do was enqueued; a job scheduled for later (a reminder) counts once due. */
  readonly oldestWaitingAt: Date | null;
}

export interface DeliveryQueue {
  /** Called with jobs committed (or made runnable again) by this instance, right after the commit. */
  onAvailable(listener: (jobs: readonly QueuedJob[]) => void): void;
  /** Commits jobs on their own (most jobs are committed by the store with the change that caused them). */
  enqueue(jobs: readonly NewJob[]): Promise<void>;
  /**
   * Lane heads in id order (pending, nothing earlier in the lane still to do) that nobody holds a live lease on:
   * what a starting worker, or one sweeping for a dead instance's work, takes on. At most `limit`.
   */
  unclaimed(now: number, limit: number): Promise<readonly QueuedJob[]>;
  /**
   * Takes job `id` for `owner` until `leaseUntil`, if it is still pending, due, the head of its lane, and not
   * leased to someone else whose lease is live. Null when it is not (done, parked, behind another, taken).
   */
  claim(id: number, owner: string, now: number, leaseUntil: number): Promise<Job | null>;
  /** Extends the leases `owner` holds on `ids`. */
  renew(ids: readonly number[], owner: string, leaseUntil: number): Promise<void>;
  /** The attempt succeeded: the job is gone. False when the lease had been lost to another owner. */
  complete(job: Job, owner: string): Promise<boolean>;
  /**
   * Run again at `runAt`; `uncertain` when the attempt may have taken effect. Once uncertain, a job stays so
   * until it completes: a later attempt that clearly did nothing (its look-up refused) says nothing of the first.
   */
  retry(job: Job, owner: string, runAt: number, error: string, uncertain: boolean): Promise<void>;
  /** The attempt did not start (e.g. paced): give the lease back without counting it. */
  release(job: Job, owner: string): Promise<void>;
  fail(job: Job, owner: string, error: string): Promise<void>;
  /** Holds the job (and its lane behind it) until `unpark`. */
  park(job: Job, owner: string, reason: string): Promise<void>;
  unpark(jobId: number): Promise<void>;
  /**
   * Leases of owners whose process has ended run out now, so their jobs are taken up at once rather than when
   * the lease runs out; returns how many. Each owner is alive while something that dies with its process is
   * held (decision 0016); an owner the queue cannot judge is left to its lease.
   */
  expireLeasesOfDeadOwners(): Promise<number>;
  stats(now?: number): Promise<QueueStats>;
}
