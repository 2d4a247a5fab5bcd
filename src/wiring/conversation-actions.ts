// The buttons and menus on a conversation, and what follows an assignment (an AI summary) or a close (a survey).
import type { Activity } from "../activity.js";
import { ConversationActions } from "../core/actions.js";
import type { SatisfactionSurveys } from "../core/operations/satisfaction.js";
import type { ListenerDependencies } from "../slack/listeners/dependencies.js";
import type { CoreParts } from "./core-parts.js";

export function wireConversationActions(
  { database, slack, membership, home, logger }: CoreParts,
  activity: Activity,
  ai: ListenerDependencies["ai"],
  surveys: SatisfactionSurveys,
): ConversationActions {
  return new ConversationActions(
    database.store,
    slack,
    membership,
    logger.child({ component: "actions" }),
    (before, changes) => {
      home.conversationChanged(before, changes);
      const assigneeId = changes.assigneeId;
      if (ai && assigneeId && assigneeId !== before.assigneeId) {
        // In the background, counted so idle() waits for it: the assignment itself is already done.
        activity
          .track(() => ai.assistant.assigned(before.id, assigneeId))
          .catch((error: unknown) =>
            logger.warn({ err: error, conversationId: before.id }, "could not send the assignee a summary"),
          );
      }
    },
    (conversationId) => {
      activity
        .track(() => surveys.conversationClosed(conversationId))
        .catch((error: unknown) =>
          logger.warn({ err: error, conversationId }, "could not send the satisfaction question"),
        );
    },
  );
}
