import { randomUUID } from "node:crypto";
import { findElement } from "./blocks.js";
import { VERIFICATION_TOKEN } from "./events.js";
import { apiMessage } from "./rendering.js";
import type { Ephemeral, Json, SimulatedChannel, SocketEnvelope, StoredMessage } from "./types.js";
import type { Workspace } from "./workspace.js";

/* Interactivity as the app receives it over Socket Mode: slash commands, button clicks, menu choices and
 * suggestions, shaped as Slack's payload references document them. */

function actionTs(): string {
  return (Date.now() / 1000).toFixed(6);
}

export function interactiveEnvelope(payload: Json): SocketEnvelope {
  return { envelope_id: randomUUID(), type: "interactive", accepts_response_payload: true, payload };
}

export interface SlashCommandInput {
  channel_id: string;
  user_id: string;
  text: string;
  command?: string;
  /**
   * The thread the command was typed in. Slack does not tell the app (the payload has no thread), but its
   * client shows the answers there.
   */
  shownInThread?: string;
}

/** Slash command payloads are all strings, even over Socket Mode (they mirror the HTTP form post). */
export function slashCommandPayload(
  ws: Workspace,
  channel: SimulatedChannel,
  input: SlashCommandInput,
  responseUrl: string,
): Json {
  const { ids } = ws;
  return {
    token: VERIFICATION_TOKEN,
    team_id: ids.teamId,
    team_domain: ids.teamDomain,
    channel_id: channel.id,
    // Slack hides the name of a private channel the app is not in.
    channel_name: channel.isPrivate && !ws.isBotMember(channel) ? "privategroup" : channel.name,
    user_id: input.user_id,
    user_name: ws.users.get(input.user_id)?.name ?? input.user_id,
    command: input.command ?? "/threadline",
    text: input.text,
    api_app_id: ids.appId,
    is_enterprise_install: "false",
    response_url: responseUrl,
    trigger_id: ws.issueTrigger(input.user_id),
  };
}

export interface MessageInteraction {
  channel: string;
  messageTs: string;
  user: string;
  actionId: string;
  /**
   * The thread pane the person clicked in (a parent is shown in the channel and atop its thread): Slack's
   * client shows ephemeral answers to the click there. A reply's own thread is implied.
   */
  shownInThread?: string;
}

/** The parts shared by every payload of a user acting on an element of a message. */
/** The `user` of an interactive payload: who clicked or chose. */
function actingUser(ws: Workspace, userId: string): Json {
  const name = ws.users.get(userId)?.name ?? userId;
  return { id: userId, username: name, name, team_id: ws.ids.teamId };
}

function interaction(
  ws: Workspace,
  input: MessageInteraction,
  elementType: string,
): { common: Json; message: StoredMessage; blockId: string; element: Json } {
  const channel = ws.channels.get(input.channel);
  const message = channel && ws.findMessage(channel.id, input.messageTs);
  if (!channel || !message) throw new Error(`no message ${input.messageTs} in ${input.channel}`);
  const found = findElement(message.blocks ?? [], input.actionId);
  if (!found || found.element.type !== elementType) {
    throw new Error(`message ${message.ts} has no ${elementType} with action_id ${input.actionId}`);
  }
  const { ids } = ws;
  const isReply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
  const common: Json = {
    user: actingUser(ws, input.user),
    api_app_id: ids.appId,
    token: VERIFICATION_TOKEN,
    container: {
      type: "message",
      message_ts: message.ts,
      channel_id: channel.id,
      is_ephemeral: false,
      ...(isReply && { thread_ts: message.thread_ts }),
    },
    team: { id: ids.teamId, domain: ids.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel.id, name: channel.name },
  };
  return { common, message, ...found };
}

export function buttonClickPayload(
  ws: Workspace,
  input: MessageInteraction & { value?: string },
  responseUrl: string,
): Json {
  const { common, message, blockId, element } = interaction(ws, input, "button");
  return {
    type: "block_actions",
    ...common,
    trigger_id: ws.issueTrigger(input.user),
    message: apiMessage(ws, message),
    state: { values: {} },
    response_url: responseUrl,
    actions: [
      {
        action_id: input.actionId,
        block_id: blockId,
        text: element.text,
        ...((input.value ?? element.value) !== undefined && { value: input.value ?? element.value }),
        type: "button",
        action_ts: actionTs(),
      },
    ],
  };
}

/**
 * A user clicking a button in an ephemeral message (e.g. a slash command's answer). Slack keeps no copy of
 * an ephemeral message, so the payload has no `message`; the container says `is_ephemeral: true`.
 */
export function ephemeralButtonClickPayload(
  ws: Workspace,
  input: { ephemeral: Ephemeral; actionId: string; value?: string },
  responseUrl: string,
): Json {
  const { ephemeral, actionId } = input;
  const channel = ws.channels.get(ephemeral.channel);
  const found = findElement(ephemeral.blocks ?? [], actionId);
  if (!channel || !found || found.element.type !== "button") {
    throw new Error(`ephemeral ${ephemeral.ts} has no button with action_id ${actionId}`);
  }
  const { ids } = ws;
  const value = input.value ?? found.element.value;
  return {
    type: "block_actions",
    user: actingUser(ws, ephemeral.user),
    api_app_id: ids.appId,
    token: VERIFICATION_TOKEN,
    container: {
      type: "message",
      message_ts: ephemeral.ts,
      channel_id: channel.id,
      is_ephemeral: true,
      ...(ephemeral.thread_ts && { thread_ts: ephemeral.thread_ts }),
    },
    trigger_id: ws.issueTrigger(ephemeral.user),
    team: { id: ids.teamId, domain: ids.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel.id, name: channel.name },
    state: { values: {} },
    response_url: responseUrl,
    actions: [
      {
        action_id: actionId,
        block_id: found.blockId,
        text: found.element.text,
        ...(value !== undefined && { value }),
        type: "button",
        action_ts: actionTs(),
      },
    ],
  };
}

export function externalSelectPayload(
  ws: Workspace,
  input: MessageInteraction & { value: string; text: string },
  responseUrl: string,
): Json {
  const { common, message, blockId, element } = interaction(ws, input, "external_select");
  const selected = { text: { type: "plain_text", text: input.text, emoji: true }, value: input.value };
  return {
    type: "block_actions",
    ...common,
    trigger_id: ws.issueTrigger(input.user),
    message: apiMessage(ws, message),
    state: {
      values: { [blockId]: { [input.actionId]: { type: "external_select", selected_option: selected } } },
    },
    response_url: responseUrl,
    actions: [
      {
        type: "external_select",
        action_id: input.actionId,
        block_id: blockId,
        selected_option: selected,
        ...(element.placeholder !== undefined && { placeholder: element.placeholder }),
        action_ts: actionTs(),
      },
    ],
  };
}

/** A user choosing `value` in the overflow menu `actionId` of a message. */
export function overflowChoicePayload(
  ws: Workspace,
  input: MessageInteraction & { value: string },
  responseUrl: string,
): Json {
  const { common, message, blockId, element } = interaction(ws, input, "overflow");
  const options = (Array.isArray(element.options) ? element.options : []) as { text: Json; value: string }[];
  const option = options.find((candidate) => candidate.value === input.value);
  if (!option) throw new Error(`the overflow menu ${input.actionId} has no option ${input.value}`);
  return {
    type: "block_actions",
    ...common,
    trigger_id: ws.issueTrigger(input.user),
    message: apiMessage(ws, message),
    state: { values: {} },
    response_url: responseUrl,
    actions: [
      {
        type: "overflow",
        action_id: input.actionId,
        block_id: blockId,
        selected_option: { text: option.text, value: option.value },
        action_ts: actionTs(),
      },
    ],
  };
}

export function blockSuggestionPayload(ws: Workspace, input: MessageInteraction & { value: string }): Json {
  const { common, blockId, element } = interaction(ws, input, "external_select");
  // Slack asks for options only once the user has typed min_query_length characters (3 unless set).
  const minLength = typeof element.min_query_length === "number" ? element.min_query_length : 3;
  if (input.value.length < minLength) {
    throw new Error(`Slack sends no block_suggestion for "${input.value}": min_query_length is ${minLength}`);
  }
  return {
    type: "block_suggestion",
    ...common,
    action_id: input.actionId,
    block_id: blockId,
    value: input.value,
  };
}
