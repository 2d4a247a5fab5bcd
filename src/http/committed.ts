import type { FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "../logger.js";

/** The 2xx a webhook gives once what it carried is committed. */
export interface CommittedAnswer {
  readonly contentType: string;
  readonly body: string;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set once the request's messages are committed: from then on, any failure still gets this answer. */
    committedAnswer?: CommittedAnswer;
  }
}

export type Recording = "committed" | "not_committed";

/**
 * Runs `record`, which commits one provider message (or report). A provider that gets a 5xx either drops the
 * message (Twilio, unless told to retry) or sends it again, so the answer must say whether it was committed,
 * not whether everything went well. When `record` throws, `isCommitted` tells whether the commit happened
 * before the failure (a log line, a metric after it); when it cannot tell, the message counts as not
 * committed, which is safe because redeliveries are recognised by their provider id.
 */
export async function recordOnce(
  record: () => Promise<unknown>,
  isCommitted: () => Promise<boolean>,
  logger: Logger,
  context: object,
): Promise<Recording> {
  try {
    await record();
    return "committed";
  } catch (error) {
    const committed = await isCommitted().catch(() => false);
    if (committed) {
      logger.error(
        { ...context, err: error },
        "webhook failed after its message was committed: answered as received",
      );
      return "committed";
    }
    logger.error(
      { ...context, err: error },
      "webhook message not recorded (is the database available?): answered 503 so the provider retries",
    );
    return "not_committed";
  }
}

/** Answers 2xx and remembers the answer, so a failure while sending it cannot turn into a 5xx. */
export function answerCommitted(request: FastifyRequest, reply: FastifyReply, answer: CommittedAnswer) {
  request.committedAnswer = answer;
  return reply.code(200).type(answer.contentType).send(answer.body);
}

/** Nothing of the request's message is kept: 503 asks the provider to send it again. */
export function answerNotRecorded(reply: FastifyReply) {
  return reply.code(503).send({ error: "the message could not be recorded; send it again" });
}
