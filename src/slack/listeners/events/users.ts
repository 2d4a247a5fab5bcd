import type { SlackUser } from "../../directory.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

/** Names, deactivations and newcomers, kept current for the assignment menu. */
export function register(app: SlackListeners, { directory, logger }: ListenerDependencies): void {
  const userEvent = async ({ event }: { event: { type: string; user?: unknown } }) => {
    const user = event.user as Partial<SlackUser> | undefined;
    if (typeof user?.id !== "string") {
      logger.warn({ event: event.type }, "user event without a user id; ignored");
      return;
    }
    directory.userChanged(user as SlackUser);
  };
  app.event("user_change", userEvent);
  app.event("team_join", userEvent);
}
