// The Slack side: every listener, with the services only listeners use built here.
import type { App } from "@slack/bolt";
import { CutOffParents } from "../core/cut-off-parents.js";
import { ReactionTriage } from "../core/reaction-triage.js";
import { Reminders } from "../core/reminders.js";
import { SendAgain } from "../core/send-again.js";
import { ConversationStarter } from "../core/start-conversation.js";
import { StartPolicy } from "../core/start-limits.js";
import { TranscriptAccessPolicy } from "../core/transcript-access.js";
import { type WorkflowStepOptions, WorkflowSteps } from "../core/workflow-steps.js";
import type { TranscriptSigner } from "../http/transcript/signing.js";
import type { ListenerDependencies } from "../slack/listeners/dependencies.js";
import { registerListeners } from "../slack/listeners/index.js";
import type { CoreParts } from "./core-parts.js";

export function wireSlackListeners(
  app: App,
  { config, database, slack, channels, membership, home, logger, now }: CoreParts,
  services: Pick<
    ListenerDependencies,
    | "conversations"
    | "commands"
    | "actions"
    | "assignees"
    | "directory"
    | "scheduledSends"
    | "savedReplyForm"
    | "ai"
  >,
  transcripts: TranscriptSigner,
  workflowStepOptions: WorkflowStepOptions | undefined,
): void {
  const { store } = database;
  const { actions } = services;
  registerListeners(app, {
    ...services,
    cutOffParents: new CutOffParents(store, slack, logger.child({ component: "threads" })),
    transcripts: new TranscriptAccessPolicy(
      store,
      membership,
      transcripts,
      logger.child({ component: "transcript" }),
    ),
    home,
    triage: new ReactionTriage(store, membership, actions, logger.child({ component: "triage" })),
    reminders: new Reminders(
      store,
      slack,
      membership,
      logger.child({ component: "reminders" }),
      now,
      (userId) => home.refresh([userId]),
    ),
    sendAgain: new SendAgain(store, membership, logger.child({ component: "actions" })),
    workflowSteps: new WorkflowSteps(
      new ConversationStarter(
        store,
        channels,
        logger.child({ component: "workflow-steps" }),
        new StartPolicy(config.starting, membership, store, channels),
        now,
      ),
      actions,
      store,
      slack,
      channels,
      logger.child({ component: "workflow-steps" }),
      workflowStepOptions,
    ),
    logger: logger.child({ component: "slack" }),
  });
}
