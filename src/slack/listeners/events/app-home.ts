import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

/** Someone opened Threadline's Home tab: their queue is published for them. */
export function register(app: SlackListeners, { home, logger }: ListenerDependencies): void {
  app.event("app_home_opened", async ({ event }) => {
    const { user, tab } = event as { user?: unknown; tab?: unknown };
    if (tab !== "home") return;
    if (typeof user !== "string") {
      logger.warn({ event: event.type }, "app_home_opened without a user; ignored");
      return;
    }
    try {
      await home.opened(user);
    } catch (error) {
      // Acknowledged all the same: a redelivery would fail the same way, and the next open tries again.
      logger.error({ err: error, user }, "could not publish App Home");
    }
  });
}
