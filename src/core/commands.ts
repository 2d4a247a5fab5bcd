import { type ChannelKind, channelKinds } from "./model.js";
import type { ChannelRegistry, ConversationStore, CoreLogger, SlackPort } from "./ports.js";

export type SlashCommand =
  | { readonly name: "connect"; readonly kind: ChannelKind; readonly address: string }
  | { readonly name: "disconnect"; readonly addresses: readonly { kind: ChannelKind; address: string }[] }
  | { readonly name: "status" }
  | { readonly name: "help" }
  | { readonly name: "invalid"; readonly problem: string };

const isChannelKind = (word: string): word is ChannelKind =>
  (channelKinds as readonly string[]).includes(word);

/** Parses the text after `/threadline`. Never throws: bad input becomes `invalid` with the reason. */
export function parseSlashCommand(text: string, channels: ChannelRegistry): SlashCommand {
  const [verb = "", ...args] = text.trim().split(/\s+/).filter(Boolean);
  switch (verb.toLowerCase()) {
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
      if (!isChannelKind(kind)) {
        return { name: "invalid", problem: `Say which channel to connect: ${channelKinds.join(" or ")}.` };
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
      const words = args.length > 0 && isChannelKind(args[0]?.toLowerCase() ?? "") ? args.slice(1) : args;
      const given = words.join(" ");
      const kinds = words === args ? channelKinds : [args[0]?.toLowerCase() as ChannelKind];
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

export function helpText(channels: ChannelRegistry): string {
  const examples = channelKinds.map((kind) => channels[kind]);
  return [
    "*Threadline* turns customer conversations into threads in this channel. Run these in the channel to connect:",
    ...examples.map(
      (channel) =>
        `• \`/threadline connect ${channel.kind} ${channel.addressExample}\` — this channel receives that ${channel.label} inbox's conversations`,
    ),
    "• `/threadline disconnect <number or page-id>` — stop receiving them here",
    "• `/threadline status` — what is connected here, with open, closed and unassigned counts",
    "• `/threadline help` — this help",
    "Reply in a conversation's thread to answer the customer; start with `note:` to keep a message internal.",
  ].join("\n");
}

export interface CommandContext {
  readonly channelId: string;
  readonly userId: string;
}

/** Runs a parsed command for the channel it was typed in and returns the ephemeral answer. */
export class SlashCommands {
  constructor(
    private readonly store: ConversationStore,
    private readonly slack: SlackPort,
    private readonly channels: ChannelRegistry,
    private readonly logger: CoreLogger,
  ) {}

  async run(text: string, context: CommandContext): Promise<string> {
    const command = parseSlashCommand(text, this.channels);
    switch (command.name) {
      case "help":
        return helpText(this.channels);
      case "invalid":
        return `${command.problem}\n\n${helpText(this.channels)}`;
      case "status":
        return this.status(context);
      case "connect":
        return this.connect(command.kind, command.address, context);
      case "disconnect":
        return this.disconnect(command.addresses, context);
    }
  }

  private async connect(kind: ChannelKind, address: string, context: CommandContext): Promise<string> {
    const channel = this.channels[kind];
    if (!channel.enabled) {
      return `${channel.label} is not configured on this Threadline server, so it can't be connected. Ask whoever runs it to set the ${channel.label} credentials (see .env.example).`;
    }
    const membership = await this.slack.channelMembership(context.channelId);
    if (!membership?.isMember) {
      return "I'm not a member of this channel yet, so I couldn't post conversations here. Add me with `/invite @Threadline` (or the channel's Integrations tab), then run the command again.";
    }
    const shown = channel.formatAddress(address);
    const { previousChannelId: previousChannel, released } = await this.store.connectInbox(
      kind,
      address,
      context.channelId,
      context.userId,
    );
    this.logger.info(
      {
        kind,
        inbox: address,
        slackChannel: context.channelId,
        previousChannel,
        released,
        user: context.userId,
      },
      "inbox connected",
    );
    this.slack.warmChannel(context.channelId);
    const waiting =
      released > 0
        ? ` ${released} message${released === 1 ? "" : "s"} that arrived meanwhile will be posted now.`
        : "";
    if (previousChannel === context.channelId) {
      return `${channel.label} ${shown} is already connected to this channel.${waiting}`;
    }
    const moved = previousChannel
      ? ` It was connected to <#${previousChannel}>; conversations that start or continue from now on arrive here.`
      : "";
    return `Connected ${channel.label} ${shown} to this channel. Each customer conversation will appear here as a thread.${moved}${waiting}`;
  }

  private async disconnect(
    addresses: readonly { kind: ChannelKind; address: string }[],
    context: CommandContext,
  ): Promise<string> {
    for (const { kind, address } of addresses) {
      const inbox = await this.store.findInbox(kind, address);
      if (inbox?.slackChannelId !== context.channelId) continue;
      await this.store.connectInbox(kind, address, null, context.userId);
      this.logger.info({ kind, inbox: address, slackChannel: context.channelId }, "inbox disconnected");
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
      return "Nothing is connected to this channel yet. Connect a number with `/threadline connect sms +15550001111`.";
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
        return `• ${channel.label} ${channel.formatAddress(inbox.address)}: ${counts.open} open (${counts.unassigned} unassigned), ${counts.closed} closed${disabled}${held}`;
      }),
    );
    return ["*Connected to this channel*", ...lines].join("\n");
  }
}
