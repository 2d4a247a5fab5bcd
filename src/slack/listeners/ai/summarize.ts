import type { RespondFn } from "@slack/bolt";
import type { ListenerDependencies } from "../dependencies.js";
import { aiAnswer, notConfigured } from "./answers.js";

/** ✨ Summarize in the parent's ⋯ menu: a short summary, just for the person who asked. */
export async function summarize(
  { ai, logger }: ListenerDependencies,
  conversationId: number | null,
  context: { readonly userId: string; readonly channelId: string | undefined },
  respond: RespondFn,
): Promise<void> {
  const answer =
    ai === null
      ? notConfigured
      : conversationId === null
        ? { result: "refused" as const, reason: "This menu does not belong to a Threadline conversation." }
        : await aiAnswer(ai.assistant.summarize(conversationId, context), logger, "summary");
  await respond({
    response_type: "ephemeral",
    replace_original: false,
    text: answer.result === "answer" ? `✨ *Summary* (only you see it):\n${answer.text}` : answer.reason,
  });
}
