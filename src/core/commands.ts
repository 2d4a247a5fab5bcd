import { type CampaignOffer, type CampaignSettings, Campaigns } from "./campaigns/campaigns.js";
import { ContactTagging } from "./campaigns/tags.js";
import { helpText, templateHelp } from "./command-help.js";
import { parseSlashCommand } from "./command-parser.js";
import { ContactEraser, type ForgetRequest } from "./erasure.js";
import { ConversationFinder } from "./find-conversations.js";
import { HeldMessageCommands } from "./held-messages.js";
import { TeamCommands } from "./hours/team-commands.js";
import { InboxPolicy } from "./inbox-policy.js";
import { channelLane } from "./lane-names.js";
import { ChannelMembership } from "./membership.js";
import type { ChannelKind, Inbox } from "./model.js";
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

export interface CommandContext {
  readonly channelId: string;
  readonly userId: string;
}

/** Moving an inbox from the channel that has it to the one the command was typed in. */
export interface MoveRequest {
  readonly kind: ChannelKind;
  readonly address: string;
  readonly from: string;
  readonly to: string;
}

/** The ephemeral answer to a command; `moveOffer` asks the person to confirm a move with a button. */
export interface CommandAnswer {
  readonly text: string;
  readonly moveOffer?: MoveRequest;
  /** `/threadline forget` asks for a confirmation with a button. */
  readonly forgetOffer?: ForgetRequest;
  /** `/threadline campaign` answers with a preview and **Send** / **Cancel**. */
  readonly campaignOffer?: CampaignOffer;
}

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

const managing = "connect, disconnect or move inboxes";

/** A date Slack shows in each reader's time zone, with a UTC fallback for clients that can't. */
function slackDate(date: Date): string {
  const fallback = `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} at {time}|${fallback}>`;
}

function connectedByLine(inbox: Inbox): string {
  const by = inbox.connectedBy ? ` by <@${inbox.connectedBy}>` : "";
  // Slack writes the day as "today", "yesterday" or "Mar 3, 2026": no "on" before it ("on today" was wrong).
  const at = inbox.connectedAt ? ` ${slackDate(inbox.connectedAt)}` : "";
  return by || at ? `connected${by}${at}` : "";
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

  private readonly policy: InboxPolicy;
  private readonly membership: ChannelMembership;
  private readonly inboxArrived: (channelId: string) => void;
  private readonly savedReplies: SavedReplies | null;

  constructor(
    private readonly store: ConversationStore,
    private readonly slack: SlackPort,
    private readonly channels: ChannelRegistry,
    private readonly logger: CoreLogger,
    options: CommandOptions = {},
  ) {
    this.policy = options.policy ?? new InboxPolicy([]);
    this.membership = options.membership ?? new ChannelMembership(slack, logger);
    this.inboxArrived = options.inboxArrived ?? (() => {});
    this.savedReplies = options.savedReplies ?? null;
    const now = options.now ?? Date.now;
    const starting = new StartPolicy(
      options.starting ?? defaultStartLimits,
      this.membership,
      store,
      channels,
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
        return { text: await this.status(context) };
      case "retry":
        return { text: await this.held.retry(context) };
      case "connect":
        return this.connect(command.kind, command.address, context);
      case "disconnect":
        return { text: await this.disconnect(command.addresses, context) };
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

  /**
   * The "Move it here" button was clicked. Everything is checked again, as at the command: the button's
   * value only names what was offered, and what was true then (rights, where the inbox is) may not be now.
   */
  async confirmMove(request: MoveRequest, context: CommandContext): Promise<string> {
    const channel = Object.hasOwn(this.channels, request.kind) ? this.channels[request.kind] : undefined;
    if (!channel || channel.parseInboxAddress(request.address) !== request.address) {
      return "This button does not name an inbox Threadline knows, so nothing was moved.";
    }
    const shown = `${channel.label} ${channel.formatAddress(request.address)}`;
    const again = `Run \`/threadline connect ${request.kind} ${request.address}\` again to see where it is now.`;
    if (request.to !== context.channelId) {
      return `This button was offered in <#${request.to}>, so it can't move ${shown} into this channel. Nothing was moved.`;
    }
    const refused =
      this.policy.refusal(context.userId, managing) ??
      (await this.membership.refusal(context.userId, context.channelId, "move an inbox into it"));
    if (refused) {
      this.logger.warn(
        { kind: request.kind, inbox: request.address, ...context, reason: refused },
        "inbox move refused",
      );
      return `${refused} Nothing was moved.`;
    }
    const unavailable = await this.cannotConnect(request.kind, context.channelId);
    if (unavailable) return unavailable;

    const outcome = await this.store.connectInbox({
      kind: request.kind,
      address: request.address,
      to: context.channelId,
      userId: context.userId,
      from: [request.from],
      jobs: [
        {
          lane: channelLane(request.from),
          kind: "slack.channelNotice",
          payload: {
            channelId: request.from,
            text: `<@${context.userId}> moved ${shown} to <#${context.channelId}>. Its conversations continue there; replies typed in its threads here are no longer sent to customers.`,
          },
        },
      ],
    });
    if (!outcome.changed) {
      const now = outcome.inbox?.slackChannelId;
      this.logger.warn(
        { kind: request.kind, inbox: request.address, offeredFrom: request.from, now, user: context.userId },
        "inbox move refused: it changed since the offer",
      );
      if (now === context.channelId) return `${shown} is already connected to this channel.`;
      const where = now ? `is now connected to <#${now}>` : "is no longer connected";
      return `${shown} ${where}, not <#${request.from}> as when the move was offered, so nothing was moved. ${again}`;
    }
    this.logger.info(
      {
        kind: request.kind,
        inbox: request.address,
        slackChannel: context.channelId,
        previousChannel: request.from,
        released: outcome.released,
        user: context.userId,
      },
      "inbox moved",
    );
    this.slack.warmChannel(context.channelId);
    this.inboxArrived(context.channelId);
    return `Moved ${shown} here from <#${request.from}>, and told that channel. Each conversation continues here in a new thread with the customer's next message.${waitingText(outcome.released)}`;
  }

  /** Why an inbox of `kind` can't be connected to the channel right now, or null. */
  private async cannotConnect(kind: ChannelKind, channelId: string): Promise<string | null> {
    const channel = this.channels[kind];
    if (!channel.enabled) {
      return `${channel.label} is not configured on this Threadline server, so it can't be connected. Ask whoever runs it to set the ${channel.label} credentials (see .env.example).`;
    }
    const membership = await this.slack.channelMembership(channelId);
    if (!membership?.isMember) {
      return "I'm not a member of this channel yet, so I couldn't post conversations here. Add me with `/invite @Threadline` (or the channel's Integrations tab), then run the command again.";
    }
    return null;
  }

  private async connect(kind: ChannelKind, address: string, context: CommandContext): Promise<CommandAnswer> {
    const refused = this.policy.refusal(context.userId, managing);
    if (refused) {
      this.logger.warn({ kind, inbox: address, ...context }, "inbox connect refused: not an admin");
      return { text: refused };
    }
    const unavailable = await this.cannotConnect(kind, context.channelId);
    if (unavailable) return { text: unavailable };
    const channel = this.channels[kind];
    const shown = `${channel.label} ${channel.formatAddress(address)}`;
    // Taking an inbox from another channel is a move: it waits for the person to confirm it.
    const outcome = await this.store.connectInbox({
      kind,
      address,
      to: context.channelId,
      userId: context.userId,
      from: [null, context.channelId],
    });
    if (!outcome.changed) {
      const inbox = outcome.inbox as Inbox;
      const from = inbox.slackChannelId as string;
      const by = connectedByLine(inbox);
      this.logger.info({ kind, inbox: address, ...context, connectedTo: from }, "inbox move offered");
      return {
        text: `${shown} is connected to <#${from}>${by ? ` (${by})` : ""}, so nothing changed. Moving it here sends its conversations to this channel from now on, and <#${from}> is told who moved it.`,
        moveOffer: { kind, address, from, to: context.channelId },
      };
    }
    const { released } = outcome;
    this.logger.info(
      { kind, inbox: address, slackChannel: context.channelId, released, user: context.userId },
      "inbox connected",
    );
    this.slack.warmChannel(context.channelId);
    if (outcome.before.slackChannelId !== context.channelId) this.inboxArrived(context.channelId);
    const note = channel.connectedNote ? `\n${channel.connectedNote(address)}` : "";
    if (outcome.before.slackChannelId === context.channelId) {
      return { text: `${shown} is already connected to this channel.${waitingText(released)}${note}` };
    }
    return {
      text: `Connected ${shown} to this channel. Each customer conversation will appear here as a thread.${waitingText(released)}${note}`,
    };
  }

  private async disconnect(
    addresses: readonly { kind: ChannelKind; address: string }[],
    context: CommandContext,
  ): Promise<string> {
    const refused = this.policy.refusal(context.userId, managing);
    if (refused) {
      this.logger.warn({ addresses, ...context }, "inbox disconnect refused: not an admin");
      return refused;
    }
    for (const { kind, address } of addresses) {
      const outcome = await this.store.connectInbox({
        kind,
        address,
        to: null,
        userId: context.userId,
        from: [context.channelId],
      });
      if (!outcome.changed) continue;
      this.logger.info(
        { kind, inbox: address, slackChannel: context.channelId, user: context.userId },
        "inbox disconnected",
      );
      const channel = this.channels[kind];
      return `Disconnected ${channel.label} ${channel.formatAddress(address)} from this channel. New messages to it are kept and posted when it is connected again.`;
    }
    const first = addresses[0];
    const shown = first ? this.channels[first.kind].formatAddress(first.address) : "That address";
    return `${shown} is not connected to this channel. \`/threadline status\` lists what is.`;
  }

  private async status(context: CommandContext): Promise<string> {
    const inboxes = await this.store.inboxesForChannel(context.channelId);
    if (inboxes.length === 0) {
      return "Nothing is connected to this channel yet. Connect an inbox with `/threadline connect <channel> <address>`; `/threadline help` lists the channels.";
    }
    const lines = await Promise.all(
      inboxes.map(async (inbox) => {
        const channel = this.channels[inbox.kind];
        const [counts, waiting, heldNote] = await Promise.all([
          this.store.countsForInbox(inbox.id),
          this.store.waitingMessageCount(inbox.id),
          this.held.statusNote(inbox),
        ]);
        const disabled = channel.enabled
          ? ""
          : " — ⚠️ not configured on the server, nothing is sent or received";
        const held =
          heldNote ||
          (waiting > 0 ? ` — ${waiting} message${waiting === 1 ? "" : "s"} on the way to Slack` : "");
        const by = connectedByLine(inbox);
        return `• ${channel.label} ${channel.formatAddress(inbox.address)}: ${counts.open} open (${counts.unassigned} unassigned), ${counts.closed} closed${by ? ` — ${by}` : ""}${disabled}${held}`;
      }),
    );
    return ["*Connected to this channel*", ...lines].join("\n");
  }
}

const unavailable = "Tags and campaigns are not available on this Threadline server.";

function waitingText(released: number): string {
  return released > 0
    ? ` ${released} message${released === 1 ? "" : "s"} that arrived meanwhile will be posted now.`
    : "";
}
