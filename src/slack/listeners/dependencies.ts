/** What every Slack listener may use: the core's services, the channel directory and the logger. */
import type { ConversationActions } from "../../core/actions.js";
import type { AiAssistant } from "../../core/ai/assistant.js";
import type { AssigneesInChannel } from "../../core/assignees-in-channel.js";
import type { SlashCommands } from "../../core/commands.js";
import type { Conversations } from "../../core/conversations.js";
import type { CutOffParents } from "../../core/cut-off-parents.js";
import type { AppHome } from "../../core/home.js";
import type { ReactionTriage } from "../../core/reaction-triage.js";
import type { Reminders } from "../../core/reminders.js";
import type { SavedReplyForm } from "../../core/saved-replies.js";
import type { ScheduledSends } from "../../core/scheduled-sends.js";
import type { SendAgain } from "../../core/send-again.js";
import type { TranscriptAccessPolicy } from "../../core/transcript-access.js";
import type { WorkflowSteps } from "../../core/workflow-steps.js";
import type { Logger } from "../../logger.js";
import type { ChannelDirectory } from "../directory.js";

export interface ListenerDependencies {
  readonly conversations: Conversations;
  /** Records a thread from its parent's metadata when a reply finds it unrecorded. */
  readonly cutOffParents: CutOffParents;
  readonly commands: SlashCommands;
  readonly actions: ConversationActions;
  /** Clears assignments whose assignee is no longer in the conversation's channel. */
  readonly assignees: AssigneesInChannel;
  readonly transcripts: TranscriptAccessPolicy;
  readonly home: AppHome;
  readonly triage: ReactionTriage;
  readonly reminders: Reminders;
  /** **Send again** on a reply whose outcome is unknown. */
  readonly sendAgain: SendAgain;
  /** `later <when>: …` messages and their **Cancel** button. */
  readonly scheduledSends: ScheduledSends;
  /** The parent's shortcut "Reply with a saved reply". */
  readonly savedReplyForm: SavedReplyForm;
  /** The assignment menu's members and names, which the membership and user events keep current. */
  readonly directory: ChannelDirectory;
  /** Drafts and summaries, when an AI model is configured; null otherwise (no AI control is shown). */
  readonly ai: { readonly assistant: AiAssistant; readonly modelName: string } | null;
  /** Workflow Builder's "Send a text message" and "Close a conversation". */
  readonly workflowSteps: WorkflowSteps;
  readonly logger: Logger;
}
