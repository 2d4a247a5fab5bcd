import type { App } from "@slack/bolt";
import type { ConversationActions } from "../../core/actions.js";
import type { AssigneesInChannel } from "../../core/assignees-in-channel.js";
import type { SlashCommands } from "../../core/commands.js";
import type { Conversations } from "../../core/conversations.js";
import type { CutOffParents } from "../../core/cut-off-parents.js";
import type { AppHome } from "../../core/home.js";
import type { ReactionTriage } from "../../core/reaction-triage.js";
import type { Reminders } from "../../core/reminders.js";
import type { SendAgain } from "../../core/send-again.js";
import type { TranscriptAccessPolicy } from "../../core/transcript-access.js";
import type { Logger } from "../../logger.js";
import type { ChannelDirectory } from "../directory.js";
import * as conversationControls from "./actions/conversation-controls.js";
import * as forgetContact from "./actions/forget-contact.js";
import * as moveInbox from "./actions/move-inbox.js";
import * as remind from "./actions/remind.js";
import * as sendAgain from "./actions/send-again.js";
import * as transcriptLink from "./actions/transcript-link.js";
import * as threadlineCommand from "./commands/threadline.js";
import * as appHome from "./events/app-home.js";
import * as channelMembers from "./events/channel-members.js";
import * as reactions from "./events/reactions.js";
import * as users from "./events/users.js";
import * as messageEdits from "./messages/edits.js";
import * as threadReplies from "./messages/thread-replies.js";
import * as assigneeOptions from "./options/assignee-options.js";

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
  /** The assignment menu's members and names, which the membership and user events keep current. */
  readonly directory: ChannelDirectory;
  readonly logger: Logger;
}

const listeners = [
  threadlineCommand,
  threadReplies,
  messageEdits,
  conversationControls,
  moveInbox,
  forgetContact,
  transcriptLink,
  assigneeOptions,
  channelMembers,
  users,
  appHome,
  reactions,
  remind,
  sendAgain,
];

export function registerListeners(app: App, deps: ListenerDependencies): void {
  for (const listener of listeners) listener.register(app, deps);
}
