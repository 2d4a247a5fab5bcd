import { formatDuration } from "./hours/business-hours.js";
import { businessTimeBetween } from "./hours/business-time.js";
import { teamHours } from "./hours/team-service.js";
import type { ChannelMembership } from "./membership.js";
import type { Conversation, Inbox, TeamSettings } from "./model.js";
import type { ChannelRegistry } from "./ports/channel.js";
import type { ConversationSummary, HomeItem } from "./ports/home.js";
import type { CoreLogger } from "./ports/logger.js";
import type { ScheduledMessageStore } from "./ports/scheduled-messages.js";
import type { SlackPort } from "./ports/slack.js";
import type { ConversationChanges, ConversationStore } from "./ports/store.js";

/** Where each listed conversation's inbox is connected now, by inbox id. */
type InboxChannels = ReadonlyMap<number, string>;

export interface AppHomeOptions {
  /** Someone who opened their home this recently has it published again when their assignments change. */
  readonly refreshWindowMs: number;
  /** Conversations listed per section; the counts cover them all. */
  readonly listLimit: number;
}

export const defaultHomeOptions: AppHomeOptions = { refreshWindowMs: 15 * 60_000, listLimit: 15 };

/**
 * Each person's App Home: their open conversations (oldest waiting first), the unassigned ones, and their
 * reminders — every list only of the inboxes connected now to channels the person is in, so leaving a channel
 * (or an inbox moving away) takes its customers off their home. Built on demand, one query per list. Who opened
 * their home recently is kept in memory per instance, so a restart (or another instance) refreshes only on next
 * open.
 */
export class AppHome {
  private readonly viewers = new Map<string, number>();

  constructor(
    private readonly store: ConversationStore,
    private readonly slack: Pick<SlackPort, "publishHome">,
    private readonly membership: ChannelMembership,
    private readonly channels: ChannelRegistry,
    private readonly logger: CoreLogger,
    private readonly now: () => number,
    private readonly options: AppHomeOptions = defaultHomeOptions,
    /** Runs a publish made in the background, so the app can tell when it has settled. */
    private readonly background: (publish: () => Promise<void>) => Promise<void> = (publish) => publish(),
    /** The messages people scheduled (`later <when>: …`); none listed without it. */
    private readonly scheduledMessages: Pick<ScheduledMessageStore, "pendingBy"> | null = null,
    /** Whether the person paused automatic assignment. */
    private readonly isPaused: (userId: string) => Promise<boolean> = async () => false,
  ) {}

  /** The person opened their home tab. */
  async opened(userId: string): Promise<void> {
    const now = this.now();
    for (const [viewer, at] of this.viewers) {
      if (now - at > this.options.refreshWindowMs) this.viewers.delete(viewer);
    }
    this.viewers.set(userId, now);
    await this.publish(userId);
  }

  /** A conversation changed: the homes of its old and new assignee are refreshed, if they looked recently. */
  conversationChanged(before: Conversation, changes: ConversationChanges): void {
    const affected = new Set([before.assigneeId, changes.assigneeId]);
    this.refresh([...affected].filter((id): id is string => typeof id === "string"));
  }

  /** Refreshes the homes of those of `userIds` who opened theirs recently, in the background. */
  refresh(userIds: readonly string[]): void {
    for (const userId of userIds) {
      const at = this.viewers.get(userId);
      if (at === undefined || this.now() - at > this.options.refreshWindowMs) continue;
      this.background(() => this.publish(userId)).catch((error: unknown) =>
        this.logger.warn(
          { err: error, user: userId },
          "could not refresh App Home; it refreshes on next open",
        ),
      );
    }
  }

  private async publish(userId: string): Promise<void> {
    const limit = this.options.listLimit;
    const inboxes = await this.visibleInboxes(userId);
    const inboxIds = inboxes.map((inbox) => inbox.id);
    const [assigned, scheduled, queues, written, paused] = await Promise.all([
      this.store.openAssignedTo(userId, inboxIds, limit),
      this.store.remindersOf(userId, inboxIds),
      this.store.unassignedOpen(inboxIds, limit),
      this.scheduledMessages?.pendingBy(userId) ?? [],
      this.isPaused(userId),
    ]);
    // A due reminder is firing (its job is still running): it is no longer the person's to wait for.
    const reminders = scheduled.filter((reminder) => reminder.runAt.getTime() > this.now());
    const byInbox = new Map(queues.map((queue) => [queue.inboxId, queue]));
    const listed = [...assigned.summaries, ...queues.flatMap((queue) => queue.summaries)];
    const targets = await this.targets(listed.concat(reminders.map((reminder) => reminder.conversation)));
    const inboxChannels: InboxChannels = new Map(
      inboxes.map((inbox) => [inbox.id, inbox.slackChannelId as string]),
    );
    const item = (summary: ConversationSummary) => this.item(summary, targets, inboxChannels);
    await this.slack.publishHome({
      userId,
      at: new Date(this.now()),
      assigned: { total: assigned.total, items: assigned.summaries.map(item) },
      inboxes: inboxes.map((inbox) => {
        const channel = this.channels[inbox.kind];
        const queue = byInbox.get(inbox.id);
        return {
          label: `${channel.label} ${channel.formatAddress(inbox.address)}`,
          slackChannelId: inbox.slackChannelId as string,
          total: queue?.total ?? 0,
          items: (queue?.summaries ?? []).map(item),
        };
      }),
      reminders: reminders.map((r) => ({ runAt: r.runAt, item: item(r.conversation) })),
      // Only in channels the person is still in, like every other list here.
      scheduled: written
        .filter((message) => inboxes.some((inbox) => inbox.slackChannelId === message.slackChannelId))
        .slice(0, limit)
        .map((message) => ({
          sendAt: message.sendAt,
          slackChannelId: message.slackChannelId,
          threadTs: message.threadTs,
          preview: message.body.length > 80 ? `${message.body.slice(0, 79)}…` : message.body,
        })),
      paused,
    });
    this.logger.info(
      { user: userId, assigned: assigned.total, inboxes: inboxes.length, reminders: reminders.length },
      "App Home published",
    );
  }

  /**
   * Inboxes connected to channels the person is a member of (the directory knows the members). A channel whose
   * members can't be read fails the whole home rather than showing less or more than the person may see.
   */
  private async visibleInboxes(userId: string): Promise<readonly Inbox[]> {
    const connected = await this.store.connectedInboxes();
    const channelIds = [...new Set(connected.map((inbox) => inbox.slackChannelId as string))];
    const visible = new Set<string>();
    await Promise.all(
      channelIds.map(async (channelId) => {
        if (await this.membership.isMember(channelId, userId)) visible.add(channelId);
      }),
    );
    return connected.filter((inbox) => visible.has(inbox.slackChannelId as string));
  }

  /** The team settings of each channel the listed conversations are in (a few channels, read by key). */
  private async targets(
    summaries: readonly ConversationSummary[],
  ): Promise<ReadonlyMap<string, TeamSettings>> {
    const channelIds = [...new Set(summaries.flatMap((s) => (s.slackChannelId ? [s.slackChannelId] : [])))];
    return new Map(
      await Promise.all(
        channelIds.map(async (channelId) => [channelId, await this.store.teamSettings(channelId)] as const),
      ),
    );
  }

  /** The target's length when the customer has waited past it, counted in the channel's business hours. */
  private overTarget(summary: ConversationSummary, team: TeamSettings | undefined): string | null {
    if (!team?.slaMinutes || !summary.waitingSince || summary.status !== "open") return null;
    const waited = businessTimeBetween(teamHours(team), summary.waitingSince.getTime(), this.now());
    return waited >= team.slaMinutes * 60_000 ? formatDuration(team.slaMinutes) : null;
  }

  private item(
    summary: ConversationSummary,
    targets: ReadonlyMap<string, TeamSettings>,
    inboxChannels: InboxChannels,
  ): HomeItem {
    const channel = this.channels[summary.kind];
    const address = summary.contactAddress;
    // A thread in a channel the inbox has left is not where the conversation goes on: no link to it.
    const live =
      summary.slackChannelId !== null && summary.slackChannelId === inboxChannels.get(summary.inboxId);
    return {
      conversationId: summary.conversationId,
      title: summary.contactName ?? channel.fallbackContactName?.(address) ?? channel.formatAddress(address),
      channelLabel: channel.label,
      slackChannelId: live ? summary.slackChannelId : null,
      slackThreadTs: live ? summary.slackThreadTs : null,
      waitingSince: summary.waitingSince,
      overTarget: this.overTarget(summary, targets.get(summary.slackChannelId ?? "")),
    };
  }
}
