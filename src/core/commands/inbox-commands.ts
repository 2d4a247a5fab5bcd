// `/threadline connect`, `disconnect` and the "Move it here" button: which channel an inbox posts to.
import type { InboxPolicy } from "../inbox-policy.js";
import { channelLane } from "../lane-names.js";
import type { ChannelMembership } from "../membership.js";
import type { ChannelKind, Inbox } from "../model.js";
import type { ChannelRegistry } from "../ports/channel.js";
import type { CoreLogger } from "../ports/logger.js";
import type { SlackPort } from "../ports/slack.js";
import type { ConversationStore } from "../ports/store.js";
import type { CommandAnswer, CommandContext, MoveRequest } from "./command-types.js";
import { connectedByLine } from "./inbox-status.js";

const managing = "connect, disconnect or move inboxes";

/** Connects, disconnects and moves inboxes for the people the policy lets manage them. */
export class InboxCommands {
  constructor(
    private readonly store: ConversationStore,
    private readonly slack: SlackPort,
    private readonly channels: ChannelRegistry,
    private readonly logger: CoreLogger,
    private readonly policy: InboxPolicy,
    private readonly membership: ChannelMembership,
    /** Told of a channel an inbox was connected or moved to. */
    private readonly inboxArrived: (channelId: string) => void,
  ) {}

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

  async connect(kind: ChannelKind, address: string, context: CommandContext): Promise<CommandAnswer> {
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

  async disconnect(
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
}

function waitingText(released: number): string {
  return released > 0
    ? ` ${released} message${released === 1 ? "" : "s"} that arrived meanwhile will be posted now.`
    : "";
}
