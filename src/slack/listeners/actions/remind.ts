import type { BlockAction } from "@slack/bolt";
import { summarizeChoice } from "../../ai-blocks.js";
import { conversationIdFromBlockId, remindActionId, slackDate } from "../../blocks.js";
import { summarize } from "../ai/summarize.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

/**
 * "Remind me" on a thread's parent: schedules the reminder and tells the person when, just to them. The same
 * ⋯ menu carries ✨ Summarize when an AI model is configured.
 */
export function register(app: SlackListeners, deps: ListenerDependencies): void {
  const { reminders } = deps;
  app.action<BlockAction>({ action_id: remindActionId }, async ({ body, action, ack, respond }) => {
    await ack();
    const conversationId = conversationIdFromBlockId(action.block_id);
    const choice = action.type === "overflow" ? action.selected_option?.value : undefined;
    if (choice === summarizeChoice) {
      const channelId = body.channel?.id ?? body.container?.channel_id;
      await summarize(deps, conversationId, { userId: body.user.id, channelId }, respond);
      return;
    }
    const outcome =
      conversationId === null
        ? { result: "refused" as const, reason: "This menu does not belong to a Threadline conversation." }
        : await reminders.schedule(conversationId, choice ?? "", {
            userId: body.user.id,
            channelId: body.channel?.id ?? body.container?.channel_id,
            threadTs: body.message?.ts ?? body.container?.message_ts,
          });
    const text =
      outcome.result === "scheduled"
        ? `⏰ I'll remind you in this thread ${slackDate(outcome.runAt)}${outcome.timeZone ? "" : " (your Slack time zone could not be read, so times are in UTC)"}. It won't fire if the conversation is closed by then.`
        : outcome.reason;
    await respond({ response_type: "ephemeral", replace_original: false, text });
  });
}
