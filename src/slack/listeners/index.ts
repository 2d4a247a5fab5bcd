import type { App } from "@slack/bolt";
import type { SlashCommands } from "../../core/commands.js";
import type { Conversations } from "../../core/conversations.js";
import type { Logger } from "../../logger.js";
import * as threadlineCommand from "./commands/threadline.js";
import * as threadReplies from "./messages/thread-replies.js";

export interface ListenerDependencies {
  readonly conversations: Conversations;
  readonly commands: SlashCommands;
  readonly logger: Logger;
}

const listeners = [threadlineCommand, threadReplies];

export function registerListeners(app: App, deps: ListenerDependencies): void {
  for (const listener of listeners) listener.register(app, deps);
}
