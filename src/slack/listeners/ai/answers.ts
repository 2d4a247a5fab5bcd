import type { AiAnswer } from "../../../core/ai/assistant.js";
import type { Logger } from "../../../logger.js";

export const notConfigured: AiAnswer = {
  result: "refused",
  reason: "AI drafts and summaries are not configured on this Threadline server (AI_BASE_URL and AI_MODEL).",
};

/** The assistant's answer, or a plain apology when something unexpected broke (logged, never shown raw). */
export function aiAnswer(answer: Promise<AiAnswer>, logger: Logger, task: string): Promise<AiAnswer> {
  return answer.catch((error: unknown) => {
    logger.error({ err: error, task }, "AI request failed");
    return {
      result: "refused",
      reason:
        "Sorry, that didn't work because of an error on the Threadline server. It has been logged; please try again.",
    };
  });
}
