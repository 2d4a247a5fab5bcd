import fs from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The bot scopes each Slack Web API method needs (from each method's page on api.slack.com). Methods on
 * conversations need the scope of the channel's type, and a connected channel may be public or private, so
 * they list both. The manifest test maps every method src/ calls through this table, so a new call without
 * an entry, or a manifest that grants more or less than the calls need, fails the build.
 */
export const methodScopes: Readonly<Record<string, readonly string[]>> = {
  "auth.test": [],
  // Made with the app-level token (connections:write), which is not a bot scope.
  "apps.connections.open": [],
  "chat.postMessage": ["chat:write"],
  "chat.update": ["chat:write"],
  "chat.postEphemeral": ["chat:write"],
  // Any token may ask for a link to a message it can see.
  "chat.getPermalink": [],
  "conversations.info": ["channels:read", "groups:read"],
  "conversations.members": ["channels:read", "groups:read"],
  "conversations.replies": ["channels:history", "groups:history"],
  "conversations.history": ["channels:history", "groups:history"],
  "conversations.join": ["channels:join"],
  "users.info": ["users:read"],
  "users.list": ["users:read"],
  "files.info": ["files:read"],
  "files.uploadV2": ["files:write"],
  "files.getUploadURLExternal": ["files:write"],
  "files.completeUploadExternal": ["files:write"],
  "reactions.add": ["reactions:write"],
  // App Home is a feature of the app (the manifest's home tab), not a scope.
  "views.publish": [],
  // A modal opens with the trigger_id of the person's interaction (a shortcut, the AI draft's Edit): no scope.
  "views.open": [],
  "views.update": [],
};

/** Scopes that come with a feature rather than a method. */
export const featureScopes = {
  /** `username` / `icon_url` on chat.postMessage: customer messages are posted under the customer's name. */
  customizedPosts: "chat:write.customize",
  slashCommands: "commands",
  /** WebClient.filesUploadV2: customers' images are uploaded into threads. */
  fileUploads: "files:write",
  /** Agents' attachments are downloaded from their `url_private_download` with the bot token. */
  fileDownloads: "files:read",
} as const;

/**
 * The scopes each subscribed event needs. Message events of channels the app is in need the history scope
 * of that channel type; membership events come for public channels with channels:read and for private ones
 * with groups:read, and a connected channel may be either.
 */
export const eventScopes: Readonly<Record<string, readonly string[]>> = {
  "message.channels": ["channels:history"],
  "message.groups": ["groups:history"],
  member_joined_channel: ["channels:read", "groups:read"],
  member_left_channel: ["channels:read", "groups:read"],
  user_change: ["users:read"],
  team_join: ["users:read"],
  reaction_added: ["reactions:read"],
  app_home_opened: [],
  // Sent for the app's own Workflow Builder steps (the manifest's `functions`); no scope.
  function_executed: [],
};

/** A Workflow Builder step as the manifest declares it: its parameters keyed by name. */
export interface ManifestFunction {
  title: string;
  description?: string;
  input_parameters: Record<string, { type: string; title?: string; is_required?: boolean }>;
  output_parameters: Record<string, { type: string; title?: string; is_required?: boolean }>;
}

export interface SlackManifest {
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions?: { bot_events?: string[] };
    socket_mode_enabled?: boolean;
    org_deploy_enabled?: boolean;
    function_runtime?: string;
  };
  features: { slash_commands?: { command: string }[] };
  functions?: Record<string, ManifestFunction>;
}

/** manifest.json at the project root: what an install grants, so also what the doctor expects. */
export const manifestPath = fileURLToPath(new URL("../../manifest.json", import.meta.url));

export function readManifest(file = manifestPath): SlackManifest {
  return JSON.parse(fs.readFileSync(file, "utf8")) as SlackManifest;
}
