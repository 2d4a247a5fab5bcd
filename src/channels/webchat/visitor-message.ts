import type { FastifyReply, FastifyRequest } from "fastify";
import type { Attachment } from "../../core/model.js";
import { answerNotRecorded, recordOnce } from "../../http/committed.js";
import type { Logger } from "../../logger.js";
import type { ChannelMediaStore, WebhookDependencies } from "../types.js";
import { checkedImage } from "./image-check.js";
import type { LiveVisitors } from "./live.js";
import { mediaAttachmentUrl } from "./media.js";
import { bodyProblem, contactNameOf, visitorMessageBody } from "./message-body.js";
import type { RateLimit } from "./rate-limit.js";

/** How long an image a visitor sent is kept for the delivery worker to post it in Slack. */
const imageKeptMs = 7 * 24 * 60 * 60_000;

export interface VisitorMessageContext {
  /** The site's key (its inbox address) and the visitor's address (their token's hash). */
  readonly site: string;
  readonly visitor: string;
  readonly deps: WebhookDependencies;
  readonly media: ChannelMediaStore | undefined;
  readonly live: LiveVisitors;
  readonly log: Logger;
  readonly limits: { readonly perVisitor: RateLimit; readonly perAddress: RateLimit };
}

/**
 * `POST /webchat/<key>/messages`: one message of a visitor, checked (size, image), limited, then recorded like
 * any channel's inbound message. The widget's `clientId` makes a retry after a lost answer a duplicate.
 */
export async function receiveVisitorMessage(
  request: FastifyRequest,
  reply: FastifyReply,
  context: VisitorMessageContext,
) {
  const { visitor, media, live, log } = context;
  const { conversations, isRecorded, now } = context.deps;
  const { perVisitor, perAddress } = context.limits;
  const key = context.site;
  const parsed = visitorMessageBody.safeParse(request.body);
  if (!parsed.success) {
    const problem = bodyProblem(parsed.error);
    log.warn({ key, visitor: visitor.slice(0, 8), problem }, "web chat message refused: invalid");
    return reply.code(400).send({ error: problem });
  }
  if (!perVisitor.take(visitor) || !perAddress.take(request.ip)) {
    log.warn({ key, visitor: visitor.slice(0, 8), ip: request.ip }, "web chat message refused: rate limit");
    return reply
      .code(429)
      .header("retry-after", "60")
      .send({ error: "you are sending messages too fast; wait a minute" });
  }
  const body = parsed.data;
  const attachments: Attachment[] = [];
  if (body.image) {
    const image = checkedImage(body.image);
    if ("problem" in image) {
      log.warn({ key, visitor: visitor.slice(0, 8), problem: image.problem }, "web chat image refused");
      return reply.code(400).send({ error: image.problem });
    }
    if (!media) {
      log.error({ key }, "web chat image refused: no media store");
      return reply.code(503).send({ error: "images can't be received right now" });
    }
    const token = await media.saveMedia(image, new Date(now() + imageKeptMs), null);
    attachments.push({
      url: mediaAttachmentUrl(token),
      contentType: image.contentType,
      name: image.filename,
      size: image.bytes.length,
    });
  }
  const providerMessageId = `webchat:${visitor.slice(0, 32)}:${body.clientId}`;
  const contactName = contactNameOf(body);
  const recorded = await recordOnce(
    () =>
      conversations.receive({
        kind: "webchat",
        inboxAddress: key,
        contactAddress: visitor,
        ...(contactName ? { contactName } : {}),
        providerMessageId,
        text: body.text.trim(),
        attachments,
        receivedAt: new Date(now()),
      }),
    () => isRecorded("webchat", providerMessageId),
    log,
    { providerMessageId },
  );
  if (recorded === "not_committed") return answerNotRecorded(reply);
  live.changed(key, visitor);
  return reply.code(202).send({ received: true });
}
