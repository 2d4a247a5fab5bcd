// App Home: each person's open conversations, kept current while they look at it.
import type { Activity } from "../activity.js";
import { AppHome, type AppHomeOptions, defaultHomeOptions } from "../core/home.js";
import type { CoreParts } from "./core-parts.js";

export function createAppHome(
  { database, slack, membership, channels, logger, now }: Omit<CoreParts, "home">,
  activity: Activity,
  options: Partial<AppHomeOptions> | undefined,
): AppHome {
  return new AppHome(
    database.store,
    slack,
    membership,
    channels,
    logger.child({ component: "home" }),
    now,
    { ...defaultHomeOptions, ...options },
    (publish) => activity.track(publish),
    database.scheduledMessages,
    (userId) => database.autoAssignments.isPaused(userId),
  );
}
