import { DeliveryError, JobParked } from "../../errors.js";
import { failedReaction } from "../delivery-status.js";
import { contactLane, slackLane } from "../lanes.js";
import type { ConversationContext, MediaContent, Message } from "../model.js";
import { contactName, parentView } from "../parent-view.js";
import { type ReplyWindow, replyWindowDecision } from "../policies/reply-window.js";
import type {
  ChannelRegistry,
  CoreLogger,
  Job,
  NewJob,
  OutboundMedia,
  SlackPort,
  Store,
  TranscriptLinks,
} from "../ports.js";
import { escapeForSlack, mentionedUserIds, mrkdwnToPlainText } from "../text.js";
import { channelNoticeHandler } from "./channel-notice.js";
import type { JobHandlers } from "./worker.js";

export interface HandlerDependencies {
  readonly store: Store;
  readonly slack: SlackPort;
  readonly channels: ChannelRegistry;
  readonly logger: CoreLogger;
  /** The public URL under which a saved file is served to providers (GET /media/:token). */
  readonly mediaUrl: (token: string) => string;
  /** How long such a link works. */
  readonly mediaTtlMs: number;
  /** The clock (epoch ms) reply windows and media links are measured with. */
  readonly now?: () => number;
  readonly transcripts?: TranscriptLinks;
}

/**
 * Slack errors that stop every post to a channel until someone acts (re-invites the app, unarchives, or
 * connects the inbox elsewhere). The posts are held, not dropped; reconnecting releases them in order.
 */
const channelProblems = new Set(["SLACK_not_in_channel", "SLACK_channel_not_found", "SLACK_is_archived"]);

/** A customer's file that still can't be downloaded after this many attempts is reported instead. */
const mediaAttempts = 3;

/** An attempt that started but never recorded an outcome: the process died in the middle of it. */
const interruptedBefore = (job: Job) => job.attempts > 0 && job.lastError === null;

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

export function deliveryHandlers(deps: HandlerDependencies): JobHandlers {
  const { store, slack, channels, logger, transcripts } = deps;
  const now = deps.now ?? Date.now;

  async function loadContext(conversationId: number): Promise<ConversationContext> {
    const context = await store.conversationContext(conversationId);
    if (!context) {
      throw new DeliveryError("NOT_FOUND", `conversation ${conversationId} is gone`, { transient: false });
    }
    return context;
  }

  async function loadMessage(
    messageId: number,
  ): Promise<{ message: Message; context: ConversationContext } | null> {
    const message = await store.message(messageId);
    return message ? { message, context: await loadContext(message.conversationId) } : null;
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
    if (context.inbox.deliveryProblem) {
      throw new JobParked(context.inbox.deliveryProblem, () => inboxBlocked(context.inbox.id));
    }
    const { conversation } = context;
    if (conversation.slackChannelId === channelId && conversation.slackThreadTs) {
      return { channelId, threadTs: conversation.slackThreadTs };
    }
    const view = parentView(context, channels[context.inbox.kind], transcripts);
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

  /** Posts into the conversation's thread (starting it if needed), holding on channel problems. */
  async function inThread<T>(
    context: ConversationContext,
    job: Job,
    post: (channelId: string, threadTs: string) => Promise<T>,
  ): Promise<T> {
    return holdOnChannelProblem(context, async () => {
      const { channelId, threadTs } = await ensureThread(context, job);
      return post(channelId, threadTs);
    });
  }

  /** Downloads the files an agent attached and keeps them behind expiring public links for the provider. */
  async function outboundMedia(
    message: Message,
    context: ConversationContext,
  ): Promise<OutboundMedia[] | string> {
    const channel = channels[context.inbox.kind];
    const media: OutboundMedia[] = [];
    for (const file of message.attachments) {
      const refusal = channel.refuseMedia({ contentType: file.contentType ?? "", size: file.size ?? 0 });
      if (refusal) return `${refusal} (${file.name ?? "attachment"}). Remove it and reply again`;
      const content = await slack.downloadFile(file.url);
      const token = await store.saveMedia(content, new Date(now() + deps.mediaTtlMs));
      media.push({ ...content, filename: file.name ?? content.filename, publicUrl: deps.mediaUrl(token) });
    }
    return media;
  }

  return {
    async "slack.postInbound"(job) {
      const loaded = await loadMessage(job.payload.messageId);
      if (!loaded || loaded.message.slackTs) return;
      const { message, context } = loaded;
      const channel = channels[context.inbox.kind];
      const files = message.attachments.length;
      const text = escapeForSlack(message.body) || `📎 sent ${plural(files, "attachment")}`;
      const posted = await inThread(context, job, async (channelId, threadTs) => {
        const previous = interruptedBefore(job)
          ? await slack.findPostedMessage(channelId, threadTs, message.id)
          : null;
        const post =
          previous ??
          (await slack.postInThread(channelId, threadTs, {
            text,
            username: contactName(context, channel),
            ...(context.contact.avatarUrl ? { iconUrl: context.contact.avatarUrl } : {}),
            ...(job.payload.reopened ? { broadcast: true } : {}),
            messageId: message.id,
          }));
        return { channelId, ts: post.ts };
      });
      await store.updateMessage(message.id, { slackChannelId: posted.channelId, slackTs: posted.ts });
      logger.info(
        { conversationId: context.conversation.id, messageId: message.id, slackTs: posted.ts },
        "inbound message posted to Slack",
      );
    },

    async "slack.postMedia"(job) {
      const loaded = await loadMessage(job.payload.messageId);
      const attachment = loaded?.message.attachments[job.payload.index];
      if (!loaded || !attachment) return;
      const { message, context } = loaded;
      const what = attachment.contentType || "a file";
      let content: MediaContent;
      try {
        content = await channels[context.inbox.kind].fetchMedia(attachment);
      } catch (error) {
        if (!(error instanceof DeliveryError) || (error.transient && job.attempts + 1 < mediaAttempts))
          throw error;
        logger.warn(
          {
            conversationId: context.conversation.id,
            messageId: message.id,
            code: error.code,
            contentType: what,
          },
          "customer media could not be downloaded",
        );
        await inThread(context, job, (channelId, threadTs) =>
          slack.postInThread(channelId, threadTs, {
            text: `⚠️ The customer sent ${escapeForSlack(what)} that could not be downloaded: ${error.reason}.`,
          }),
        );
        return;
      }
      await inThread(context, job, (channelId, threadTs) => slack.uploadFile(channelId, threadTs, content));
      logger.info(
        { conversationId: context.conversation.id, messageId: message.id, contentType: content.contentType },
        "customer media posted to Slack",
      );
    },

    async "slack.updateParent"(job) {
      const context = await loadContext(job.payload.conversationId);
      const { slackChannelId, slackThreadTs } = context.conversation;
      if (!slackChannelId || !slackThreadTs) return;
      const view = parentView(context, channels[context.inbox.kind], transcripts);
      await holdOnChannelProblem(context, () => slack.updateParent(slackChannelId, slackThreadTs, view));
      logger.info(
        { conversationId: context.conversation.id, status: context.conversation.status },
        "parent updated",
      );
    },

    async "slack.notice"(job) {
      const context = await loadContext(job.payload.conversationId);
      const { slackChannelId, slackThreadTs } = context.conversation;
      if (!slackChannelId || !slackThreadTs) return;
      await holdOnChannelProblem(context, () =>
        slack.postInThread(slackChannelId, slackThreadTs, { text: job.payload.text }),
      );
      logger.info({ conversationId: context.conversation.id }, "notice posted in the thread");
    },

    "slack.channelNotice": channelNoticeHandler({ slack, logger }),

    async "slack.react"(job) {
      const loaded = await loadMessage(job.payload.messageId);
      if (!loaded?.message.slackChannelId || !loaded.message.slackTs) return;
      const { message, context } = loaded;
      await holdOnChannelProblem(context, () =>
        slack.addReaction(message.slackChannelId as string, message.slackTs as string, job.payload.name),
      );
    },

    async "customer.send"(job) {
      const loaded = await loadMessage(job.payload.messageId);
      if (loaded?.message.status !== "pending") return;
      const { message, context } = loaded;
      const channel = channels[context.inbox.kind];
      const names = new Map<string, string>();
      for (const userId of mentionedUserIds(message.body)) {
        names.set(userId, await slack.userDisplayName(userId));
      }
      const text = mrkdwnToPlainText(message.body, names);
      const report = async (code: string, reason: string, status: "failed" | "not_sent") => {
        const lane = slackLane(context.conversation.id);
        const jobs: NewJob[] = [
          { lane, kind: "slack.react", payload: { messageId: message.id, name: failedReaction } },
          {
            lane,
            kind: "slack.notice",
            payload: {
              conversationId: context.conversation.id,
              text: `⚠️ ${status === "failed" ? "Not delivered" : "Not sent"} to the customer: ${reason}`,
            },
          },
        ];
        await store.transaction(async (tx) => {
          await tx.updateMessage(message.id, { status, errorCode: code, errorMessage: reason, body: text });
          await tx.enqueue(jobs);
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
      if (context.contact.optedOut) {
        return report(
          "OPTED_OUT",
          "the customer has opted out (texted STOP). They need to text START before they can receive messages.",
          "not_sent",
        );
      }
      let replyWindow: ReplyWindow | null = null;
      if (channel.replyWindows) {
        const lastInboundAt = context.conversation.lastInboundAt;
        const decision = replyWindowDecision(
          channel.replyWindows,
          lastInboundAt,
          new Date(now()),
          channel.label,
        );
        if (!decision.send) return report("OUTSIDE_REPLY_WINDOW", decision.reason, "not_sent");
        replyWindow = decision.window;
      }
      try {
        const media = await outboundMedia(message, context);
        if (typeof media === "string") return report("MEDIA_REFUSED", media, "not_sent");
        if (!text && media.length === 0)
          return report("EMPTY", "the reply has no text or file to send.", "not_sent");
        const request = {
          inboxAddress: context.inbox.address,
          contactAddress: context.contact.address,
          text,
          media,
          messageId: message.id,
          lastInboundAt: context.conversation.lastInboundAt,
          replyWindow,
        };
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
            files: media.length,
          },
          "reply sent to the customer",
        );
      } catch (error) {
        if (error instanceof DeliveryError && !error.transient)
          return report(error.code, error.reason, "failed");
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
