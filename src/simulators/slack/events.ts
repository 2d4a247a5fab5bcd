import { randomBytes, randomUUID } from "node:crypto";
import { messageBase, userJson } from "./rendering.js";
import type {
  Json,
  MessageVersion,
  Reaction,
  SimulatedChannel,
  SimulatedUser,
  SocketEnvelope,
  StoredMessage,
} from "./types.js";
import type { Identity, Workspace } from "./workspace.js";

/* The Events API as the app receives it over Socket Mode: the envelope, and each event shaped as Slack's event
 * reference documents it. */

/** The legacy verification token Slack still puts in every payload. */
export const VERIFICATION_TOKEN = "fake-verification-token";

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

export function eventEnvelope(
  ids: Identity,
  event: Json,
  opts: { retryAttempt?: number; eventId?: string },
): SocketEnvelope {
  const eventId = opts.eventId ?? `Ev${randomBytes(6).toString("hex").toUpperCase()}`;
  const context = { et: event.type, tid: ids.teamId, aid: ids.appId, cid: event.channel };
  const retryAttempt = opts.retryAttempt ?? 0;
  return {
    envelope_id: randomUUID(),
    type: "events_api",
    accepts_response_payload: false,
    retry_attempt: retryAttempt,
    retry_reason: retryAttempt > 0 ? "timeout" : "",
    payload: {
      token: VERIFICATION_TOKEN,
      team_id: ids.teamId,
      context_team_id: ids.teamId,
      context_enterprise_id: null,
      api_app_id: ids.appId,
      event,
      type: "event_callback",
      event_id: eventId,
      event_time: unixNow(),
      authorizations: [
        {
          enterprise_id: null,
          team_id: ids.teamId,
          user_id: ids.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${Buffer.from(JSON.stringify(context)).toString("base64url")}`,
    },
  };
}

export function messageChangedEvent(
  ws: Workspace,
  channel: SimulatedChannel,
  message: StoredMessage,
  previous: MessageVersion,
  editTs: string,
): Json {
  return {
    type: "message",
    subtype: "message_changed",
    hidden: true,
    channel: channel.id,
    ts: editTs,
    event_ts: editTs,
    channel_type: ws.channelType(channel),
    message: messageBase(ws, message),
    previous_message: messageBase(ws, previous),
  };
}

export function messageDeletedEvent(
  ws: Workspace,
  channel: SimulatedChannel,
  message: StoredMessage,
  deleteTs: string,
): Json {
  return {
    type: "message",
    subtype: "message_deleted",
    hidden: true,
    channel: channel.id,
    deleted_ts: message.ts,
    ts: deleteTs,
    event_ts: deleteTs,
    channel_type: ws.channelType(channel),
    previous_message: messageBase(ws, message),
  };
}

/** Membership events name the channel's type with one letter: C public, G private. */
function membershipChannelType(channel: SimulatedChannel): "C" | "G" {
  return channel.isPrivate ? "G" : "C";
}

export function memberJoinedChannelEvent(
  ws: Workspace,
  channel: SimulatedChannel,
  user: string,
  inviter: string | undefined,
): Json {
  return {
    type: "member_joined_channel",
    user,
    channel: channel.id,
    channel_type: membershipChannelType(channel),
    team: ws.ids.teamId,
    ...(inviter && { inviter }),
    event_ts: ws.nextTs(),
  };
}

export function memberLeftChannelEvent(ws: Workspace, channel: SimulatedChannel, user: string): Json {
  return {
    type: "member_left_channel",
    user,
    channel: channel.id,
    channel_type: membershipChannelType(channel),
    team: ws.ids.teamId,
    event_ts: ws.nextTs(),
  };
}

/** `user_change` carries the whole user object, as users.info shows it. */
export function userChangeEvent(ws: Workspace, user: SimulatedUser): Json {
  return { type: "user_change", user: userJson(ws, user), cache_ts: unixNow(), event_ts: ws.nextTs() };
}

export function teamJoinEvent(ws: Workspace, user: SimulatedUser): Json {
  return { type: "team_join", user: userJson(ws, user), cache_ts: unixNow(), event_ts: ws.nextTs() };
}

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
