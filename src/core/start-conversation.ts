import { slackLane } from "./lane-names.js";
import type { Inbox } from "./model.js";
import type { ChannelRegistry } from "./ports/channel.js";
import type { CoreLogger } from "./ports/logger.js";
import type { NewJob } from "./ports/queue.js";
import type { ConversationStore, StartDecision, StartState } from "./ports/store.js";
import type { StartPolicy } from "./start-limits.js";
import { parseTemplateReply } from "./templates.js";

/** What `/threadline text` asks for: `to`, and `from` when given, as the agent typed them. */
export interface StartRequest {
  readonly to: string;
  readonly from: string | null;
  readonly message: string;
}

/** Who starts: a person, or a workflow a person runs (its post in the thread says so). */
export interface StartContext {
  readonly channelId: string;
  readonly userId: string;
  readonly byWorkflow?: boolean;
}

export type StartResult =
  | {
      readonly result: "started";
      readonly conversationId: number;
      readonly messageId: number;
      readonly text: string;
    }
  /** `logged`: the reason as logged, the customer's number left out. */
  | { readonly result: "refused"; readonly reason: string; readonly logged: string };

const usage = "`/threadline text +15557654321 Your table is ready`";

/**
 * An agent writes to a customer first, from a channel: the conversation on the channel's inbox is found or
 * created, the message is recorded with its jobs in one write (post it in the thread under the agent's name,
 * then send it), and the customer's answer lands in the same thread like any other. Every refusal says why,
 * and nothing is sent.
 */
export class ConversationStarter {
  constructor(
    private readonly store: ConversationStore,
    private readonly channels: ChannelRegistry,
    private readonly logger: CoreLogger,
    private readonly policy: StartPolicy,
    private readonly now: () => number,
  ) {}

  async start(request: StartRequest, context: StartContext): Promise<string> {
    const outcome = await this.begin(request, context);
    return outcome.result === "started" ? outcome.text : outcome.reason;
  }

  /** As `start`, with the conversation and message it started, for callers that go on from there. */
  async begin(request: StartRequest, context: StartContext): Promise<StartResult> {
    // The reason may quote the number, as typed or as shown: the log names it no more than the command's text.
    const numberShownAs = [request.to];
    const refuse = (reason: string): StartResult => {
      const logged = numberShownAs.reduce((text, shown) => text.replaceAll(shown, "<number>"), reason);
      this.logger.info({ ...context, from: request.from, reason: logged }, "conversation not started");
      return { result: "refused", reason: `${reason} Nothing was sent.`, logged };
    };
    if (!request.message.trim()) return refuse(`Say what to send, e.g. ${usage}.`);
    const sender = await this.policy.senderRefusal(context.userId, context.channelId);
    if (sender) return refuse(sender);
    const inboxes = await this.store.inboxesForChannel(context.channelId);
    const picked = this.pickInbox(inboxes, request.from);
    if (typeof picked === "string") return refuse(picked);
    const channel = this.channels[picked.kind];
    if (!channel.enabled) {
      return refuse(
        `${channel.label} is not configured on this Threadline server, so it can't send messages.`,
      );
    }
    if (picked.deliveryProblem) {
      return refuse(
        `Posts to this channel are on hold: ${picked.deliveryProblem}. Fix that and run \`/threadline connect ${picked.kind} ${picked.address}\`.`,
      );
    }
    const contactAddress = channel.parseContactAddress?.(request.to) ?? null;
    if (!contactAddress) {
      return refuse(
        `\`${request.to}\` is not a phone number I can text. Use the international format (+ and country code), e.g. ${usage}.`,
      );
    }
    if (contactAddress === picked.address) return refuse("That is this inbox's own number.");
    const shownContact = channel.formatAddress(contactAddress);
    numberShownAs.push(shownContact, contactAddress);
    const country = await this.policy.countryRefusal(channel, contactAddress, shownContact);
    if (country) return refuse(country);
    const template = parseTemplateReply(request.message, channel.capabilities.templates, channel.label);
    if (template && "problem" in template) return refuse(`The template can't be sent: ${template.problem}`);
    if (channel.capabilities.firstMessage === "template" && !template) {
      const example = channel.capabilities.templates?.idExample ?? "<template id>";
      return refuse(
        `${channel.label} lets a business write first only with an approved template: \`/threadline text ${request.to} template: ${example} [variables…]\`.`,
      );
    }
    const outcome = await this.store.startConversation(
      {
        inboxId: picked.id,
        contactAddress,
        userId: context.userId,
        text: request.message,
        countStartsSince: this.policy.countSince(this.now()),
      },
      (state) => this.decide(state, shownContact, context.byWorkflow === true),
    );
    if (outcome.result === "refused") return refuse(outcome.reason);
    this.logger.info(
      {
        ...context,
        conversationId: outcome.conversationId,
        messageId: outcome.messageId,
        created: outcome.created,
      },
      "conversation started from Slack",
    );
    return {
      result: "started",
      conversationId: outcome.conversationId,
      messageId: outcome.messageId,
      text: `Sending to ${shownContact} from ${channel.label} ${channel.formatAddress(picked.address)}. Your message appears in the conversation's thread here under your name, and the customer's answer lands there too.`,
    };
  }

  /** The inbox to send from: the channel's only one that may text first, or the one `from` names. */
  private pickInbox(inboxes: readonly Inbox[], from: string | null): Inbox | string {
    if (inboxes.length === 0) {
      return "Nothing is connected to this channel, so there is no number to text from. Connect one with `/threadline connect <channel> <number>`; `/threadline help` lists the channels.";
    }
    const starters = inboxes.filter((inbox) => this.channels[inbox.kind].parseContactAddress);
    if (starters.length === 0) {
      const labels = [...new Set(inboxes.map((inbox) => this.channels[inbox.kind].label))].join(" and ");
      return `This channel only has ${labels} inboxes, and ${labels} doesn't let a business message a customer first: a conversation starts when the customer writes.`;
    }
    const shown = (inbox: Inbox) => `\`${inbox.address}\``;
    if (from !== null) {
      const found = starters.find(
        (inbox) => this.channels[inbox.kind].parseInboxAddress(from) === inbox.address,
      );
      return (
        found ??
        `\`${from}\` is not a number connected to this channel. Numbers here: ${starters.map(shown).join(", ")}.`
      );
    }
    if (starters.length > 1) {
      return `This channel has several numbers (${starters.map(shown).join(", ")}): say which to text from, e.g. \`/threadline text +15557654321 from ${starters[0]?.address} Your table is ready\`.`;
    }
    return starters[0] as Inbox;
  }

  private decide(state: StartState, shownContact: string, byWorkflow: boolean): StartDecision {
    // Counted in the start's transaction, so starts on several instances at once can't pass the limit together.
    const tooMany = this.policy.rateRefusal(state.recentStarts);
    if (tooMany) return { refused: tooMany };
    if (state.conversation?.optedOut) {
      return {
        refused: `${shownContact} has opted out (texted STOP), so they can't be texted until they text START.`,
      };
    }
    const conversation = state.conversation;
    const reopened = conversation?.status === "closed";
    const hasThread =
      conversation?.slackThreadTs && conversation.slackChannelId === state.inbox.slackChannelId;
    return {
      // The agent writing is an answer: whatever the customer was waiting for, they are no longer.
      conversation: {
        ...(reopened ? { status: "open", closedBy: null, closedAt: null } : {}),
        unansweredSince: null,
      },
      jobs: ({ conversationId, messageId }) => {
        const lane = slackLane(conversationId);
        const jobs: NewJob[] = [
          { lane, kind: "slack.postStarted", payload: { messageId, ...(byWorkflow ? { byWorkflow } : {}) } },
        ];
        if (reopened && hasThread)
          jobs.push({ lane, kind: "slack.updateParent", payload: { conversationId } });
        return jobs;
      },
    };
  }
}
