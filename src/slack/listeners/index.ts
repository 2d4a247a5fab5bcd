import type { App } from "@slack/bolt";
import type { ConversationActions } from "../../core/actions.js";
import type { SlashCommands } from "../../core/commands.js";
import type { Conversations } from "../../core/conversations.js";
import type { Logger } from "../../logger.js";
import * as conversationControls from "./actions/conversation-controls.js";
import * as moveInbox from "./actions/move-inbox.js";
import * as transcriptLink from "./actions/transcript-link.js";
import * as threadlineCommand from "./commands/threadline.js";
import * as threadReplies from "./messages/thread-replies.js";
import * as assigneeOptions from "./options/assignee-options.js";

export interface ListenerDependencies {
  readonly conversations: Conversations;
  readonly commands: SlashCommands;
  readonly actions: ConversationActions;
  readonly logger: Logger;
}

const listeners = [
  threadlineCommand,
  threadReplies,
  conversationControls,
  moveInbox,
  transcriptLink,
  assigneeOptions,
];

export function registerListeners(app: App, deps: ListenerDependencies): void {
  for (const listener of listeners) listener.register(app, deps);
}
