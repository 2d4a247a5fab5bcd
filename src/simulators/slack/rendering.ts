import type { Json, MessageVersion, SimulatedChannel, SimulatedUser, StoredMessage } from "./types.js";
import { BASE_SECONDS, type Workspace } from "./workspace.js";

/* How Slack renders the workspace's channels, users and messages as JSON, in API answers and events. */

export function channelJson(ws: Workspace, channel: SimulatedChannel): Json {
  return {
    id: channel.id,
    name: channel.name,
    name_normalized: channel.name,
    // Private channels created since 2021 have C ids and is_channel:true; only legacy G ids are groups.
    is_channel: !channel.id.startsWith("G"),
    is_group: channel.id.startsWith("G"),
    is_im: false,
    is_mpim: false,
    is_private: channel.isPrivate,
    is_archived: channel.archived,
    is_general: false,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    is_member: ws.isBotMember(channel),
    created: channel.created,
    creator: [...channel.members][0] ?? ws.ids.botUserId,
    context_team_id: ws.ids.teamId,
    topic: { value: "", creator: "", last_set: 0 },
    purpose: { value: "", creator: "", last_set: 0 },
  };
}

export function userJson(ws: Workspace, user: SimulatedUser): Json {
  const image = `https://avatars.example/${user.id}_72.png`;
  return {
    id: user.id,
    team_id: ws.ids.teamId,
    name: user.name,
    deleted: user.deleted,
    real_name: user.realName,
    tz: user.tz,
    tz_label: user.tz,
    tz_offset: tzOffsetSeconds(user.tz),
    profile: {
      real_name: user.realName,
      real_name_normalized: user.realName,
      display_name: user.displayName,
      display_name_normalized: user.displayName,
      image_72: image,
      team: ws.ids.teamId,
      ...(user.isBot && user.id === ws.ids.botUserId && { bot_id: ws.ids.botId }),
    },
    is_admin: false,
    is_owner: false,
    is_bot: user.isBot,
    is_app_user: false,
    updated: BASE_SECONDS,
  };
}

export function botProfile(ws: Workspace): Json {
  return {
    id: ws.ids.botId,
    deleted: false,
    name: ws.ids.botName,
    updated: BASE_SECONDS,
    app_id: ws.ids.appId,
    icons: {
      image_36: "https://a.slack-edge.com/80588/img/plugins/app/bot_36.png",
      image_48: "https://a.slack-edge.com/80588/img/plugins/app/bot_48.png",
      image_72: "https://a.slack-edge.com/80588/img/plugins/app/service_72.png",
    },
    team_id: ws.ids.teamId,
  };
}

/** The fields every rendering of a message shares (history, events, interaction payloads). */
export function messageBase(ws: Workspace, message: MessageVersion): Json {
  const out: Json = { type: "message" };
  if (message.subtype) out.subtype = message.subtype;
  out.text = message.text;
  if (message.user) out.user = message.user;
  if (message.bot_id) {
    out.bot_id = message.bot_id;
    out.app_id = ws.ids.appId;
    out.bot_profile = botProfile(ws);
  }
  if (message.username) out.username = message.username;
  if (message.icon_emoji) out.icons = { emoji: message.icon_emoji };
  else if (message.icon_url) out.icons = { image_48: message.icon_url };
  out.ts = message.ts;
  out.team = ws.ids.teamId;
  if (message.client_msg_id) out.client_msg_id = message.client_msg_id;
  if (message.blocks) out.blocks = message.blocks;
  if (message.attachments) out.attachments = message.attachments;
  if (message.files) {
    out.files = message.files;
    out.upload = message.user === ws.ids.botUserId;
    out.display_as_bot = false;
  }
  if (message.edited) out.edited = message.edited;
  if (message.thread_ts && message.thread_ts !== message.ts) {
    out.thread_ts = message.thread_ts;
    const parent = ws.findMessage(message.channel, message.thread_ts);
    if (parent?.user) out.parent_user_id = parent.user;
  }
  return out;
}

/** A message as conversations.replies and interaction payloads show it. */
export function apiMessage(ws: Workspace, message: StoredMessage, includeMetadata = false): Json {
  const out = messageBase(ws, message);
  const replies =
    message.thread_ts && message.thread_ts !== message.ts ? [] : ws.replies(message.channel, message.ts);
  const last = replies.at(-1);
  if (last) {
    const replyUsers = [...new Set(replies.map((r) => r.user).filter((u) => u !== undefined))];
    Object.assign(out, {
      thread_ts: message.ts,
      reply_count: replies.length,
      reply_users_count: replyUsers.length,
      reply_users: replyUsers,
      latest_reply: last.ts,
    });
  }
  if (includeMetadata && message.metadata) out.metadata = message.metadata;
  return out;
}

/** The `message` event Slack dispatches when `message` is posted. */
export function messageEvent(ws: Workspace, message: StoredMessage): Json {
  const channel = ws.channels.get(message.channel);
  return {
    ...messageBase(ws, message),
    channel: message.channel,
    event_ts: message.ts,
    channel_type: channel ? ws.channelType(channel) : "channel",
  };
}

/** The zone's offset from UTC now, in seconds, as users.info's `tz_offset` gives it. */
function tzOffsetSeconds(timeZone: string): number {
  // Slack only ever reports zones it knows; a test may set an unknown one to see the app cope.
  if (!isKnownZone(timeZone)) return 0;
  const now = new Date();
  const local = new Date(now.toLocaleString("en-US", { timeZone }));
  const utc = new Date(now.toLocaleString("en-US", { timeZone: "UTC" }));
  return Math.round((local.getTime() - utc.getTime()) / 1000);
}

function isKnownZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}
