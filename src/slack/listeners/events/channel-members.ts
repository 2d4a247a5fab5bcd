import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

interface MembershipEvent {
  user?: unknown;
  channel?: unknown;
}

/**
 * Who is in a channel, kept current as people join and leave; someone who leaves loses the channel's
 * conversations assigned to them.
 */
export function register(app: SlackListeners, { directory, assignees, logger }: ListenerDependencies): void {
  app.event("member_joined_channel", async ({ event }) => {
    const { user, channel } = event as MembershipEvent;
    if (typeof user !== "string" || typeof channel !== "string") {
      logger.warn({ event }, "member_joined_channel without a user or channel; ignored");
      return;
    }
    directory.memberJoined(channel, user);
  });

  app.event("member_left_channel", async ({ event, context }) => {
    const { user, channel } = event as MembershipEvent;
    if (typeof user !== "string" || typeof channel !== "string") {
      logger.warn({ event }, "member_left_channel without a user or channel; ignored");
      return;
    }
    if (user === context.botUserId) {
      directory.forgetChannel(channel);
      return;
    }
    directory.memberLeft(channel, user);
    assignees.checkSoon(channel, "member_left_channel");
  });
}
