import { ConversationFinder } from "./find-conversations.js";
import { parseTeamCommand, type TeamCommand, TeamCommands } from "./hours/team-commands.js";
import { InboxPolicy } from "./inbox-policy.js";
import { channelLane } from "./lanes.js";
import type { ChannelKind, Inbox } from "./model.js";
import type { ChannelRegistry, ConversationStore, CoreLogger, SlackPort } from "./ports.js";
import { ConversationStarter, type StartRequest } from "./start-conversation.js";

export type SlashCommand =
  | { readonly name: "connect"; readonly kind: ChannelKind; readonly address: string }
  | { readonly name: "disconnect"; readonly addresses: readonly { kind: ChannelKind; address: string }[] }
  | { readonly name: "status" }
  | { readonly name: "text"; readonly request: StartRequest }
  | { readonly name: "find"; readonly text: string }
  | { readonly name: "team"; readonly command: TeamCommand }
  | { readonly name: "help" }
  | { readonly name: "template" }
  | { readonly name: "invalid"; readonly problem: string };

/** The channels are the registry's keys: the core never lists them itself. */
const kindsOf = (channels: ChannelRegistry) => Object.keys(channels) as ChannelKind[];

const isChannelKind = (word: string, channels: ChannelRegistry): word is ChannelKind =>
  Object.hasOwn(channels, word);

/** `text <number> [from [<prefix>:]<number>] <message>`: the message keeps its line breaks. */
const textCommand = /^\s*text(?:\s+(\S+))?(?:\s+from\s+((?:[a-z]+:)?\+?\d[\d().-]*))?(?:\s+([\s\S]*))?$/i;
const findCommand = /^\s*find(?:\s+([\s\S]*))?$/i;
/** What follows the first word, line breaks kept (an away message may have several lines). */
const afterVerb = /^\s*\S+\s*([\s\S]*)$/;

/** Parses the text after `/threadline`. Never throws: bad input becomes `invalid` with the reason. */
export function parseSlashCommand(text: string, channels: ChannelRegistry): SlashCommand {
  const [verb = "", ...args] = text.trim().split(/\s+/).filter(Boolean);
  switch (verb.toLowerCase()) {
    case "text": {
      const [, to, from, message] = textCommand.exec(text) ?? [];
      if (!to) {
        return {
          name: "invalid",
          problem: "Say who to text and what: `/threadline text +15557654321 Your table is ready`.",
        };
      }
      return { name: "text", request: { to, from: from ?? null, message: message?.trim() ?? "" } };
    }
    case "find":
      return { name: "find", text: findCommand.exec(text)?.[1]?.trim() ?? "" };
    case "template":
      return { name: "template" };
    case "hours":
    case "away":
    case "sla": {
      const parsed = parseTeamCommand(
        verb.toLowerCase() as TeamCommand["name"],
        afterVerb.exec(text)?.[1] ?? "",
      );
      return "problem" in parsed
        ? { name: "invalid", problem: parsed.problem }
        : { name: "team", command: parsed };
    }
    case "":
    case "help":
      return { name: "help" };
    case "status":
      return args.length === 0
        ? { name: "status" }
        : { name: "invalid", problem: "`status` takes no arguments." };
    case "connect": {
      const [kindWord = "", ...rest] = args;
      const kind = kindWord.toLowerCase();
      if (!isChannelKind(kind, channels)) {
        return {
          name: "invalid",
          problem: `Say which channel to connect: ${kindsOf(channels).join(", ")}.`,
        };
      }
      const channel = channels[kind];
      const address = channel.parseInboxAddress(rest.join(" "));
      if (!address) {
        const given = rest.join(" ");
        return {
          name: "invalid",
          problem: given
            ? `\`${given}\` is not a valid ${channel.label} address. Use ${channel.addressExample}.`
            : `Give the ${channel.label} address to connect, e.g. ${channel.addressExample}.`,
        };
      }
      return { name: "connect", kind, address };
    }
    case "disconnect": {
      const words =
        args.length > 0 && isChannelKind(args[0]?.toLowerCase() ?? "", channels) ? args.slice(1) : args;
      const given = words.join(" ");
      const kinds = words === args ? kindsOf(channels) : [args[0]?.toLowerCase() as ChannelKind];
      const addresses = kinds.flatMap((kind) => {
        const address = channels[kind].parseInboxAddress(given);
        return address ? [{ kind, address }] : [];
      });
      if (addresses.length === 0) {
        return {
          name: "invalid",
          problem: given
            ? `\`${given}\` is not a phone number or Page id I know how to read.`
            : "Give the number or Page id to disconnect.",
        };
      }
      return { name: "disconnect", addresses };
    }
    default:
      return { name: "invalid", problem: `I don't know the command \`${verb}\`.` };
  }
}

/** How to send an approved template, for channels that have them; null when none does. */
function templateHelp(channels: ChannelRegistry): string | null {
  const withTemplates = kindsOf(channels)
    .map((kind) => channels[kind])
    .filter((channel) => channel.capabilities.templates);
  const [first] = withTemplates;
  if (!first?.capabilities.templates) return null;
  const labels = withTemplates.map((channel) => channel.label).join(", ");
  return `• In a ${labels} conversation's thread, reply \`template: ${first.capabilities.templates.idExample} Maya "Tuesday 3pm"\` to send an approved template (its variables {{1}}, {{2}}… in order; quotes keep spaces). Outside the 24-hour window it is the only thing ${labels} lets you send. (Slack doesn't pass slash commands typed in threads to apps, hence the reply.)`;
}

export function helpText(channels: ChannelRegistry): string {
  const examples = kindsOf(channels).map((kind) => channels[kind]);
  const template = templateHelp(channels);
  return [
    "*Threadline* turns customer conversations into threads in this channel. Run these in the channel to connect:",
    ...examples.map(
      (channel) =>
        `• \`/threadline connect ${channel.kind} ${channel.addressExample}\` — this channel receives that ${channel.label} inbox's conversations`,
    ),
    "• Connecting an inbox another channel has asks first, with a *Move it here* button, and tells that channel",
    "• `/threadline disconnect <number or page-id>` — stop receiving them here",
    "• `/threadline status` — what is connected here, who connected it and when, with open, closed and unassigned counts",
    "• `/threadline text +15557654321 Your table is ready` — write to a customer first from this channel's number (add `from <number>` after theirs when there are several; where only a template may start a conversation, write `template: <id> [variables…]` as the message); the conversation gets a thread here and their answer lands in it",
    ...(template ? [template] : []),
    "• `/threadline find <words | name | number>` — the 10 most recent conversations here whose messages or contact match, with links to their threads",
    "• `/threadline hours Mon-Fri 09:00-17:00 America/New_York` — this channel's business hours (days like `Mon,Wed,Fri` or `Sat`, one time range, an IANA time zone or `UTC`); `/threadline hours` shows them and whether you are open now, `hours off` is always open",
    "• `/threadline away We're closed; we answer from 9am.` — sent once per closed period to a customer who writes while you are closed (`away off` stops it); `/threadline sla 15m` — a nudge in the thread when a customer has waited that long in business hours (`sla off` stops it). Replies typed while closed go out at once",
    "• `/threadline help` — this help",
    "Reply in a conversation's thread to answer the customer; start with `note:` to keep a message internal. Sent messages can't be edited or unsent: once a reply is sent, send a correction as a new reply.",
    "On a conversation's first message, react with :eyes: to take it or :white_check_mark: to close it; its ⋯ menu sets a reminder. Threadline's *Home* tab lists your conversations and reminders.",
  ].join("\n");
}

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
}

const managing = "connect, disconnect or move inboxes";

/** A date Slack shows in each reader's time zone, with a UTC fallback for clients that can't. */
function slackDate(date: Date): string {
  const fallback = `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} at {time}|${fallback}>`;
}

function connectedByLine(inbox: Inbox): string {
  const by = inbox.connectedBy ? ` by <@${inbox.connectedBy}>` : "";
  const at = inbox.connectedAt ? ` on ${slackDate(inbox.connectedAt)}` : "";
  return by || at ? `connected${by}${at}` : "";
}

/** Runs a parsed command for the channel it was typed in and returns the ephemeral answer. */
export class SlashCommands {
  private readonly starter: ConversationStarter;
  private readonly finder: ConversationFinder;
  private readonly teamCommands: TeamCommands;

  constructor(
    private readonly store: ConversationStore,
    private readonly slack: SlackPort,
    private readonly channels: ChannelRegistry,
    private readonly logger: CoreLogger,
    private readonly policy: InboxPolicy = new InboxPolicy([]),
    now: () => number = Date.now,
  ) {
    this.starter = new ConversationStarter(store, channels, logger);
    this.finder = new ConversationFinder(store, slack, channels, logger);
    this.teamCommands = new TeamCommands(store, policy, logger, now);
  }

  async run(text: string, context: CommandContext): Promise<CommandAnswer> {
    const command = parseSlashCommand(text, this.channels);
    switch (command.name) {
      case "help":
        return { text: helpText(this.channels) };
      case "invalid":
        return { text: `${command.problem}\n\n${helpText(this.channels)}` };
      case "status":
        return { text: await this.status(context) };
      case "connect":
        return this.connect(command.kind, command.address, context);
      case "disconnect":
        return { text: await this.disconnect(command.addresses, context) };
      case "text":
        return { text: await this.starter.start(command.request, context) };
      case "find":
        return { text: await this.finder.find(command.text, context) };
      case "template":
        return {
          text: `Send a template from the conversation's thread: reply there with \`template: <template id> [variables…]\` (Slack doesn't pass slash commands typed in a thread to apps).\n\n${templateHelp(this.channels) ?? "No channel connected to Threadline has templates."}`,
        };
      case "team":
        return { text: await this.teamCommands.run(command.command, context) };
    }
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
    const refused = this.policy.refusal(context.userId, managing);
    if (refused) return refused;
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
    if (outcome.before.slackChannelId === context.channelId) {
      return { text: `${shown} is already connected to this channel.${waitingText(released)}` };
    }
    return {
      text: `Connected ${shown} to this channel. Each customer conversation will appear here as a thread.${waitingText(released)}`,
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
        const [counts, waiting] = await Promise.all([
          this.store.countsForInbox(inbox.id),
          this.store.waitingMessageCount(inbox.id),
        ]);
        const disabled = channel.enabled
          ? ""
          : " — ⚠️ not configured on the server, nothing is sent or received";
        const plural = waiting === 1 ? "" : "s";
        const held = inbox.deliveryProblem
          ? `\n   ⚠️ ${waiting} customer message${plural} held: ${inbox.deliveryProblem}. Fix that, then run \`/threadline connect ${inbox.kind} ${inbox.address}\` to post them.`
          : waiting > 0
            ? ` — ${waiting} message${plural} on the way to Slack`
            : "";
        const by = connectedByLine(inbox);
        return `• ${channel.label} ${channel.formatAddress(inbox.address)}: ${counts.open} open (${counts.unassigned} unassigned), ${counts.closed} closed${by ? ` — ${by}` : ""}${disabled}${held}`;
      }),
    );
    return ["*Connected to this channel*", ...lines].join("\n");
  }
}

function waitingText(released: number): string {
  return released > 0
    ? ` ${released} message${released === 1 ? "" : "s"} that arrived meanwhile will be posted now.`
    : "";
}
