import { DeliveryError, JobParked } from "../../errors.js";
import { contactLane, slackLane } from "../lanes.js";
import type { ConversationContext } from "../model.js";
import { contactName, parentView } from "../parent-view.js";
import { type ReplyWindow, replyWindowDecision } from "../policies/reply-window.js";
import type { ChannelRegistry, CoreLogger, Job, SlackPort, Store } from "../ports.js";
import { escapeForSlack, mentionedUserIds, mrkdwnToPlainText } from "../text.js";
import type { JobHandlers } from "./worker.js";

export interface HandlerDependencies {
  readonly store: Store;
  readonly slack: SlackPort;
  readonly channels: ChannelRegistry;
  readonly logger: CoreLogger;
  /** The clock reply windows are measured with. */
  readonly now?: () => Date;
}

/**
 * Slack errors that stop every post to a channel until someone acts (re-invites the app, unarchives, or
 * connects the inbox elsewhere). The posts are held, not dropped; reconnecting releases them in order.
 */
const channelProblems = new Set(["SLACK_not_in_channel", "SLACK_channel_not_found", "SLACK_is_archived"]);

/** An attempt that started but never recorded an outcome: the process died in the middle of it. */
const interruptedBefore = (job: Job) => job.attempts > 0 && job.lastError === null;

export function deliveryHandlers(deps: HandlerDependencies): JobHandlers {
  const { store, slack, channels, logger } = deps;
  const now = deps.now ?? (() => new Date());

  async function loadContext(conversationId: number): Promise<ConversationContext> {
    const context = await store.conversationContext(conversationId);
    if (!context)
      throw new DeliveryError("NOT_FOUND", `conversation ${conversationId} is gone`, { transient: false });
    return context;
  }

  /** Whether posts for the inbox must still wait: no channel, or a channel problem nobody has fixed yet. */
  async function inboxBlocked(inboxId: number): Promise<boolean> {
    const inbox = await store.inboxById(inboxId);
    return !inbox?.slackChannelId || inbox.deliveryProblem !== null;
  }

  /** The conversation's thread in its inbox's current channel, posting the parent first if needed. */
  async function ensureThread(
    context: ConversationContext,
    job: Job,
  ): Promise<{ channelId: string; threadTs: string }> {
    const channelId = context.inbox.slackChannelId;
    if (!channelId) {
      throw new JobParked(`inbox ${context.inbox.address} is not connected to a Slack channel`, () =>
        inboxBlocked(context.inbox.id),
      );
    }
    const { conversation } = context;
    if (conversation.slackChannelId === channelId && conversation.slackThreadTs) {
      return { channelId, threadTs: conversation.slackThreadTs };
    }
    const view = parentView(context, channels[context.inbox.kind]);
    const previous = interruptedBefore(job)
      ? await slack.findPostedParent(channelId, conversation.id, job.createdAt)
      : null;
    const { ts } = previous ?? (await slack.postParent(channelId, view));
    await store.setConversationThread(conversation.id, channelId, ts);
    logger.info({ conversationId: conversation.id, slackChannel: channelId, threadTs: ts }, "thread started");
    return { channelId, threadTs: ts };
  }

  /** Runs a post to the inbox's channel; a channel-wide problem puts the inbox on hold instead of failing. */
  async function holdOnChannelProblem<T>(context: ConversationContext, post: () => Promise<T>): Promise<T> {
    try {
      return await post();
    } catch (error) {
      if (!(error instanceof DeliveryError) || !channelProblems.has(error.code)) throw error;
      const problem = `${error.reason} (<#${context.inbox.slackChannelId}>)`;
      await store.setInboxProblem(context.inbox.id, problem);
      logger.error(
        { inbox: context.inbox.address, slackChannel: context.inbox.slackChannelId, code: error.code },
        "Slack channel unusable: customer messages are held until the inbox is connected again (/threadline connect)",
      );
      throw new JobParked(problem, () => inboxBlocked(context.inbox.id));
    }
  }

  return {
    async "slack.postInbound"(job) {
      const message = await store.message(job.payload.messageId);
      if (!message || message.slackTs) return;
      const context = await loadContext(message.conversationId);
      if (context.inbox.deliveryProblem) {
        throw new JobParked(context.inbox.deliveryProblem, () => inboxBlocked(context.inbox.id));
      }
      const { channelId, threadTs } = await holdOnChannelProblem(context, () => ensureThread(context, job));
      const channel = channels[context.inbox.kind];
      const previous = interruptedBefore(job)
        ? await slack.findPostedMessage(channelId, threadTs, message.id)
        : null;
      const attachmentLines = message.attachments.map(
        (a) => `📎 <${a.url}|${escapeForSlack(a.name ?? a.contentType ?? "attachment")}>`,
      );
      const posted =
        previous ??
        (await holdOnChannelProblem(context, () =>
          slack.postInThread(channelId, threadTs, {
            text:
              [escapeForSlack(message.body), ...attachmentLines].filter(Boolean).join("\n") ||
              "(empty message)",
            username: contactName(context, channel),
            ...(context.contact.avatarUrl ? { iconUrl: context.contact.avatarUrl } : {}),
            ...(job.payload.reopened ? { broadcast: true } : {}),
            messageId: message.id,
          }),
        ));
      await store.updateMessage(message.id, { slackChannelId: channelId, slackTs: posted.ts });
      logger.info(
        { conversationId: context.conversation.id, messageId: message.id, slackTs: posted.ts },
        "inbound message posted to Slack",
      );
    },

    async "slack.updateParent"(job) {
      const context = await loadContext(job.payload.conversationId);
      const { slackChannelId, slackThreadTs } = context.conversation;
      if (!slackChannelId || !slackThreadTs) return;
      const view = parentView(context, channels[context.inbox.kind]);
      await holdOnChannelProblem(context, () => slack.updateParent(slackChannelId, slackThreadTs, view));
    },

    async "slack.notice"(job) {
      const context = await loadContext(job.payload.conversationId);
      const { slackChannelId, slackThreadTs } = context.conversation;
      if (!slackChannelId || !slackThreadTs) return;
      await holdOnChannelProblem(context, () =>
        slack.postInThread(slackChannelId, slackThreadTs, { text: job.payload.text }),
      );
    },

    async "customer.send"(job) {
      const message = await store.message(job.payload.messageId);
      if (message?.status !== "pending") return;
      const context = await loadContext(message.conversationId);
      const channel = channels[context.inbox.kind];
      const names = new Map<string, string>();
      for (const userId of mentionedUserIds(message.body)) {
        names.set(userId, await slack.userDisplayName(userId));
      }
      const text = mrkdwnToPlainText(message.body, names);
      const report = async (code: string, reason: string, status: "failed" | "not_sent") => {
        await store.transaction(async (tx) => {
          await tx.updateMessage(message.id, { status, errorCode: code, errorMessage: reason, body: text });
          await tx.enqueue([
            {
              lane: slackLane(context.conversation.id),
              kind: "slack.notice",
              payload: {
                conversationId: context.conversation.id,
                text: `⚠️ Not delivered to the customer: ${reason}`,
              },
            },
          ]);
        });
        logger.warn(
          { conversationId: context.conversation.id, messageId: message.id, code, reason },
          "reply not delivered",
        );
      };
      if (!channel.enabled) {
        return report(
          "CHANNEL_DISABLED",
          `${channel.label} is not configured on the Threadline server.`,
          "not_sent",
        );
      }
      let replyWindow: ReplyWindow | null = null;
      if (channel.replyWindows) {
        const lastInboundAt = context.conversation.lastInboundAt;
        const decision = replyWindowDecision(channel.replyWindows, lastInboundAt, now(), channel.label);
        if (!decision.send) return report("OUTSIDE_REPLY_WINDOW", decision.reason, "not_sent");
        replyWindow = decision.window;
      }
      const request = {
        inboxAddress: context.inbox.address,
        contactAddress: context.contact.address,
        text,
        mediaUrls: [],
        messageId: message.id,
        lastInboundAt: context.conversation.lastInboundAt,
        replyWindow,
      };
      try {
        const alreadySent =
          interruptedBefore(job) && channel.findSent ? await channel.findSent(request, job.createdAt) : [];
        const result =
          alreadySent.length > 0
            ? { providerMessageIds: alreadySent, status: "queued" as const }
            : await channel.send(request);
        await store.updateMessage(message.id, {
          status: result.status,
          providerMessageId: result.providerMessageIds[0] ?? null,
          body: text,
        });
        logger.info(
          {
            conversationId: context.conversation.id,
            messageId: message.id,
            providerMessageIds: result.providerMessageIds,
          },
          "reply sent to the customer",
        );
      } catch (error) {
        if (error instanceof DeliveryError && !error.transient) {
          return report(error.code, error.reason, "failed");
        }
        throw error;
      }
    },

    async "contact.refreshProfile"(job) {
      const context = await loadContext(job.payload.conversationId);
      const { contact, conversation } = context;
      const channel = channels[context.inbox.kind];
      // The stored name is the cache: once known, it is not looked up again.
      if (contact.displayName || !channel.lookupContact || !channel.enabled) return;
      let profile: Awaited<ReturnType<NonNullable<typeof channel.lookupContact>>>;
      try {
        profile = await channel.lookupContact(contact.address);
      } catch (error) {
        // Retrying is pointless when the failure is permanent: the job fails (it holds no lane) and is logged.
        if (!job.payload.inline || (error instanceof DeliveryError && !error.transient)) throw error;
        // The thread must not wait for the name: it starts with the fallback, and retries (with the queue's
        // backoff) continue on the contact's own lane, updating the parent when the name arrives.
        await store.enqueue([
          {
            lane: contactLane(contact.id),
            kind: "contact.refreshProfile",
            payload: { conversationId: conversation.id, inline: false },
          },
        ]);
        logger.warn(
          { conversationId: conversation.id, contactId: contact.id, err: error },
          "contact profile lookup failed; the thread starts without the name and the lookup is retried",
        );
        return;
      }
      if (!profile) {
        logger.info(
          { conversationId: conversation.id, contactId: contact.id },
          "no contact profile available",
        );
        return;
      }
      await store.transaction(async (tx) => {
        await tx.updateContact(contact.id, {
          displayName: profile.displayName,
          avatarUrl: profile.avatarUrl,
        });
        // The inline lookup runs before the first post, which will show the name. A retry may finish before
        // or after that post: the update is queued behind it on the Slack lane either way (and does nothing
        // while there is no thread), so the parent never keeps the fallback.
        if (!job.payload.inline) {
          await tx.enqueue([
            {
              lane: slackLane(conversation.id),
              kind: "slack.updateParent",
              payload: { conversationId: conversation.id },
            },
          ]);
        }
      });
      logger.info({ conversationId: conversation.id, contactId: contact.id }, "contact profile stored");
    },
  };
}
