import { channelLane } from "../../lane-names.js";
import type { Job } from "../../ports/queue.js";
import { defaultLookupPatienceMs, EarlierAttempts } from "../earlier-attempts.js";
import { customerSendGaveUp, howLong } from "./customer-send-gave-up.js";
import type { HandlerDependencies } from "./dependencies.js";
import { replyOutcomes } from "./reply-outcomes.js";
import { plural, threadAccess } from "./threads.js";

/** The notice of what was lost is a Slack post too: Slack may be back by then, or it is given up and logged. */
const notice = (channelId: string, text: string) => ({
  lane: channelLane(channelId),
  kind: "slack.channelNotice" as const,
  payload: { channelId, text },
});

/**
 * What giving a job up tells a person, beyond the worker's error log of what was lost (decision 0026): a reply
 * the provider kept refusing is shown failed in its thread, with **Send again**; a conversation's first message
 * that never reached its thread (so was never sent), and an erasure whose posts still show the customer, are
 * said in the channel. Other kinds are only logged: what they lose is cosmetic or said another way.
 */
export function deliveryGiveUps(deps: HandlerDependencies): (job: Job, error: unknown) => Promise<void> {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;
  const earlier = new EarlierAttempts(deps.lookupPatienceMs ?? defaultLookupPatienceMs, now);
  const threads = threadAccess(deps, earlier);
  const reply = customerSendGaveUp(deps, threads, replyOutcomes(deps));
  const failingFor = (job: Job) =>
    `Slack kept failing for ${howLong(now() - job.createdAt.getTime())} (${plural(job.attempts, "attempt")})`;

  async function firstMessage(job: Extract<Job, { kind: "slack.postStarted" }>): Promise<void> {
    const message = await store.message(job.payload.messageId);
    const formKey = job.payload.formKey;
    if (!message || (message.slackTs && message.slackTs !== formKey) || message.status !== "pending") return;
    const context = await store.conversationContext(message.conversationId);
    const channelId = context?.inbox.slackChannelId;
    const reason = `${failingFor(job)}, so it was not posted in its thread; it was not sent.`;
    const who = message.authorSlackUserId ? `<@${message.authorSlackUserId}>, your` : "The";
    await store.write({
      messages: [[message.id, { status: "not_sent", errorCode: "NOT_POSTED", errorMessage: reason }]],
      jobs:
        channelId && context
          ? [
              notice(
                channelId,
                formKey
                  ? `⚠️ ${who} saved reply to ${context.contact.address} did not go out: ${reason} Send it again from the conversation's thread.`
                  : `⚠️ ${who} first message to ${context.contact.address} (\`/threadline text\`) did not go out: ${reason} Try \`/threadline text\` again.`,
              ),
            ]
          : [],
    });
    logger.warn(
      { conversationId: message.conversationId, messageId: message.id },
      "started conversation's first message given up: not sent, told in the channel",
    );
  }

  async function erasure(job: Extract<Job, { kind: "slack.erasePosts" }>): Promise<void> {
    const { channelId, ts } = job.payload;
    const posts = ts.length === 1 ? "1 of Threadline's posts" : `${ts.length} of Threadline's posts`;
    const text = `⚠️ ${failingFor(job)}, so ${posts} about an erased customer could not be replaced here: they may still show them. Delete them in Slack if they must go.`;
    await store.write({ jobs: [notice(channelId, text)] });
  }

  return async (job, error) => {
    if (job.kind === "customer.send") await reply(job, error);
    else if (job.kind === "slack.postStarted") await firstMessage(job);
    else if (job.kind === "slack.erasePosts") await erasure(job);
  };
}
