import type { App } from "@slack/bolt";
import * as campaign from "./actions/campaign.js";
import * as cancelScheduled from "./actions/cancel-scheduled.js";
import * as conversationControls from "./actions/conversation-controls.js";
import * as forgetContact from "./actions/forget-contact.js";
import * as moveInbox from "./actions/move-inbox.js";
import * as remind from "./actions/remind.js";
import * as sendAgain from "./actions/send-again.js";
import * as transcriptLink from "./actions/transcript-link.js";
import * as aiDraft from "./ai/draft.js";
import * as aiSendDraft from "./ai/send-draft.js";
import * as threadlineCommand from "./commands/threadline.js";
import type { ListenerDependencies } from "./dependencies.js";
import * as appHome from "./events/app-home.js";
import * as channelMembers from "./events/channel-members.js";
import * as reactions from "./events/reactions.js";
import * as users from "./events/users.js";
import * as workflowSteps from "./functions/workflow-steps.js";
import * as messageEdits from "./messages/edits.js";
import * as threadReplies from "./messages/thread-replies.js";
import * as assigneeOptions from "./options/assignee-options.js";
import * as savedReplyShortcut from "./shortcuts/saved-reply.js";
import { ListenerTable } from "./table.js";

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
  savedReplyShortcut,
  cancelScheduled,
  aiDraft,
  aiSendDraft,
  campaign,
  workflowSteps,
];

export function registerListeners(app: App, deps: ListenerDependencies): void {
  const table = new ListenerTable(app);
  for (const listener of listeners) listener.register(table.listeners, deps);
  table.attach();
}
