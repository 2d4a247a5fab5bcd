import type { Json, Reaction, SimulatedChannel } from "./types.js";
import type { Workspace } from "./workspace.js";

/* Events of App Home and triage: reaction_added / reaction_removed and app_home_opened,
 * shaped as Slack's event reference documents them. */

/** reaction_added / reaction_removed on a message. */
export function reactionEvent(
  ws: Workspace,
  type: "reaction_added" | "reaction_removed",
  channel: SimulatedChannel,
  reaction: Reaction,
  itemUser: string | undefined,
): Json {
  return {
    type,
    user: reaction.user,
    reaction: reaction.name,
    ...(itemUser && { item_user: itemUser }),
    item: {
      type: "message",
      channel: channel.id,
      ts: reaction.timestamp,
      channel_type: ws.channelType(channel),
    },
    event_ts: ws.nextTs(),
  };
}

/** The user opened the app's Home tab (or Messages tab); `view` is there once a home was published. */
export function appHomeOpenedEvent(ws: Workspace, user: string, tab: "home" | "messages"): Json {
  const published = ws.homes.get(user);
  return {
    type: "app_home_opened",
    user,
    // The app's DM with the user.
    channel: `D${user.slice(1)}`,
    tab,
    event_ts: ws.nextTs(),
    ...(tab === "home" && published && { view: published.view }),
  };
}
