import type { App } from "@slack/bolt";
import { transcriptActionId } from "../../blocks.js";
import type { ListenerDependencies } from "../index.js";

/**
 * "View all messages" is a link button: Slack opens the page in the browser and also sends the app a
 * block action, which must be acked or Slack shows the person an error icon. There is nothing else to do.
 */
export function register(app: App, _deps: ListenerDependencies): void {
  app.action({ action_id: transcriptActionId }, async ({ ack }) => {
    await ack();
  });
}
