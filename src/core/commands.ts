import { type CampaignSettings, Campaigns } from "./campaigns/campaigns.js";
import { ContactTagging } from "./campaigns/tags.js";
import { helpText, templateHelp } from "./command-help.js";
import { parseSlashCommand } from "./command-parser.js";
import type { CommandAnswer, CommandContext, MoveRequest } from "./commands/command-types.js";
import { InboxCommands } from "./commands/inbox-commands.js";
import { inboxStatus } from "./commands/inbox-status.js";
import { ContactEraser, type ForgetRequest } from "./erasure.js";
import { ConversationFinder } from "./find-conversations.js";
import { HeldMessageCommands } from "./held-messages.js";
import { TeamCommands } from "./hours/team-commands.js";
import { InboxPolicy } from "./inbox-policy.js";
import { ChannelMembership } from "./membership.js";
import type { DailyReports } from "./operations/daily-report.js";
import type { ChannelReports } from "./operations/report.js";
import { ReportCommands } from "./operations/report-commands.js";
import { RotationCommands } from "./operations/rotation-commands.js";
import { SatisfactionCommands } from "./operations/satisfaction.js";
import type { AutoAssignments } from "./ports/auto-assignment.js";
import type { CampaignStore, ContactTags } from "./ports/campaigns.js";
import type { ChannelRegistry } from "./ports/channel.js";
import type { CoreLogger } from "./ports/logger.js";
import type { DeliveryQueue } from "./ports/queue.js";
import type { Satisfaction } from "./ports/satisfaction.js";
import type { SlackPort } from "./ports/slack.js";
import type { ConversationStore } from "./ports/store.js";
import type { SavedReplies } from "./saved-replies.js";
import { ConversationStarter } from "./start-conversation.js";
import { defaultStartLimits, type StartLimits, StartPolicy } from "./start-limits.js";

export type { CommandAnswer, CommandContext, MoveRequest };

/** What the commands are built with besides their ports; each has a default for tests. */
export interface CommandOptions {
  /** Who may connect, disconnect and move inboxes. */
  readonly policy?: InboxPolicy;
  readonly now?: () => number;
  /** Whether the person acting is in the channel (the one check every action uses). */
  readonly membership?: ChannelMembership;
  /** Who may text customers first, where, how often. */
  readonly starting?: StartLimits;
  /** Told of a channel an inbox was connected or moved to: its conversations' assignees must be in it. */
  readonly inboxArrived?: (channelId: string) => void;
  /** The channels' saved replies (`snippet …`); absent, the command says they are not available. */
  readonly savedReplies?: SavedReplies;
  /** Tags and campaigns; without them `tag` and `campaign` say they are not available. */
  readonly campaigns?: {
    readonly tags: ContactTags;
    readonly store: CampaignStore;
    readonly queue: Pick<DeliveryQueue, "enqueue">;
    readonly settings: CampaignSettings;
  };
  /** Automatic assignment's settings; without them `autoassign`, `pause` and `resume` say it is unavailable. */
  readonly autoAssignments?: AutoAssignments;
  /** Told of someone who paused or resumed (their App Home shows it). */
  readonly pauseChanged?: (userId: string) => void;
  /** Customer satisfaction's settings; without them `csat` says it is unavailable. */
  readonly satisfaction?: Satisfaction;
  /** A channel's history; without it `report` says it is unavailable. */
  readonly reports?: { readonly channel: ChannelReports; readonly daily: DailyReports };
}

/** Runs a parsed command for the channel it was typed in and returns the ephemeral answer. */
export class SlashCommands {
  private readonly starter: ConversationStarter;
  private readonly finder: ConversationFinder;
  private readonly teamCommands: TeamCommands;
  private readonly held: HeldMessageCommands;
  private readonly eraser: ContactEraser;
  private readonly tagging: ContactTagging | null;
  private readonly campaigns: Campaigns | null;
  private readonly rotations: RotationCommands | null;
  private readonly surveys: SatisfactionCommands | null;
  private readonly reports: ReportCommands | null;

  private readonly inboxes: InboxCommands;
  private readonly policy: InboxPolicy;
  private readonly membership: ChannelMembership;
  private readonly savedReplies: SavedReplies | null;

  constructor(
    private readonly store: ConversationStore,
    slack: SlackPort,
    private readonly channels: ChannelRegistry,
    logger: CoreLogger,
    options: CommandOptions = {},
  ) {
    this.policy = options.policy ?? new InboxPolicy([]);
    this.membership = options.membership ?? new ChannelMembership(slack, logger);
    this.savedReplies = options.savedReplies ?? null;
    const now = options.now ?? Date.now;
    const starting = new StartPolicy(
      options.starting ?? defaultStartLimits,
      this.membership,
      store,
      channels,
    );
    this.inboxes = new InboxCommands(
      store,
      slack,
      channels,
      logger,
      this.policy,
      this.membership,
      options.inboxArrived ?? (() => {}),
    );
    this.starter = new ConversationStarter(store, channels, logger, starting, now);
    this.finder = new ConversationFinder(store, slack, channels, logger);
    this.teamCommands = new TeamCommands(store, this.policy, logger, now);
    this.held = new HeldMessageCommands(store, channels, logger, this.policy);
    const campaigns = options.campaigns;
    this.eraser = new ContactEraser(store, channels, this.policy, logger);
    this.tagging = campaigns ? new ContactTagging(campaigns.tags, campaigns.queue, logger, now) : null;
    this.campaigns = campaigns
      ? new Campaigns(
          store,
          campaigns.store,
          campaigns.queue,
          channels,
          this.membership,
          starting,
          campaigns.settings,
          logger,
          now,
        )
      : null;
    this.rotations = options.autoAssignments
      ? new RotationCommands(
          options.autoAssignments,
          store,
          slack,
          this.policy,
          this.membership,
          logger,
          options.pauseChanged,
        )
      : null;
    this.surveys = options.satisfaction
      ? new SatisfactionCommands(options.satisfaction, store, this.policy, this.membership, logger)
      : null;
    this.reports = options.reports
      ? new ReportCommands(options.reports.channel, options.reports.daily, this.membership, logger)
      : null;
  }

  /** The **Send**, **Cancel** and **Stop campaign** buttons; campaigns that are not set up answer so. */
  campaignButton(
    button: "send" | "cancel" | "stop",
    campaignId: number,
    context: CommandContext,
  ): Promise<string> {
    const campaigns = this.campaigns;
    if (!campaigns) return Promise.resolve(unavailable);
    if (button === "send") return campaigns.send({ campaignId }, context);
    if (button === "cancel") return campaigns.cancel({ campaignId }, context);
    return campaigns.stop(campaignId, context);
  }

  /** Campaigns cut off by a crash go on (app start). */
  resumeCampaigns(): Promise<number> {
    return this.campaigns?.resume() ?? Promise.resolve(0);
  }

  async run(text: string, context: CommandContext): Promise<CommandAnswer> {
    const command = parseSlashCommand(text, this.channels);
    switch (command.name) {
      case "help":
        return { text: helpText(this.channels) };
      case "invalid":
        return { text: command.problem };
      case "status":
        return { text: await inboxStatus(this.store, this.channels, this.held, context) };
      case "retry":
        return { text: await this.held.retry(context) };
      case "connect":
        return this.inboxes.connect(command.kind, command.address, context);
      case "disconnect":
        return { text: await this.inboxes.disconnect(command.addresses, context) };
      case "text":
        return { text: await this.starter.start(command.request, context) };
      case "find":
        return { text: await this.finder.find(command.text, context) };
      case "forget":
        return this.eraser.offer(command.text, context);
      case "template":
        return {
          text: `Send a template from the conversation's thread: reply there with \`template: <template id> [variables…]\` (Slack doesn't pass slash commands typed in a thread to apps).\n\n${templateHelp(this.channels) ?? "No channel connected to Threadline has templates."}`,
        };
      case "team":
        return { text: await this.teamCommands.run(command.command, context) };
      case "snippet":
        return {
          text: this.savedReplies
            ? await this.savedReplies.run(command.command, context)
            : "Saved replies are not available on this Threadline server.",
        };
      case "tag": {
        if (!this.tagging) return { text: unavailable };
        const refused = await this.membership.refusal(context.userId, context.channelId, "tag its customers");
        if (refused) return { text: refused };
        return { text: await this.tagging.fromCommand(command, context, this.store, this.channels) };
      }
      case "campaign":
        return this.campaigns ? this.campaigns.preview(command.request, context) : { text: unavailable };
      case "rotation":
        return {
          text: this.rotations
            ? await this.rotations.run(command.command, context)
            : "Automatic assignment is not available on this Threadline server.",
        };
      case "report":
        return {
          text: this.reports
            ? await this.reports.run(command.text, context)
            : "Reports are not available on this Threadline server.",
        };
      case "csat":
        return {
          text: this.surveys
            ? await this.surveys.run(command.text, context)
            : "Customer satisfaction questions are not available on this Threadline server.",
        };
    }
  }

  /** The "Erase" button of a `/threadline forget` answer was clicked. */
  confirmForget(request: ForgetRequest, context: CommandContext): Promise<string> {
    return this.eraser.confirm(request, context);
  }

  /** The "Move it here" button was clicked. */
  confirmMove(request: MoveRequest, context: CommandContext): Promise<string> {
    return this.inboxes.confirmMove(request, context);
  }
}

const unavailable = "Tags and campaigns are not available on this Threadline server.";
