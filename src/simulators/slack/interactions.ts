import { randomUUID } from "node:crypto";
import { optionsResponseErrors, withBlockIds } from "./blocks.js";
import {
  blockSuggestionPayload,
  buttonClickPayload,
  ephemeralButtonClickPayload,
  externalSelectPayload,
  interactiveEnvelope,
  type MessageInteraction,
  overflowChoicePayload,
  type SlashCommandInput,
  slashCommandPayload,
} from "./interaction-payloads.js";
import type { Modals } from "./modals.js";
import type { ResponseUrls } from "./response-urls.js";
import { ACK_TIMEOUT_MS, type SocketModeServer } from "./socket-mode.js";
import type { AckOptions, Ephemeral, Json } from "./types.js";
import { requireChannel } from "./user-actions.js";
import type { Workspace } from "./workspace.js";

/**
 * What people do with the app itself: slash commands, button clicks, menu choices and suggestions. Each is
 * sent over Socket Mode and answered by the app's ack; clicks and commands carry a response_url.
 */
export class Interactions {
  constructor(
    private readonly workspace: Workspace,
    private readonly socket: SocketModeServer,
    private readonly responseUrls: ResponseUrls,
    private readonly modals: Modals,
  ) {}

  /** Runs a slash command; resolves with the app's ack payload. */
  async slashCommand(input: SlashCommandInput & AckOptions): Promise<Json> {
    const channel = requireChannel(this.workspace, input.channel_id);
    const responseUrl = this.responseUrls.create({
      kind: "command",
      channel: channel.id,
      user: input.user_id,
      ...(input.shownInThread && { threadTs: input.shownInThread }),
    });
    const payload = slashCommandPayload(this.workspace, channel, input, responseUrl);
    const envelope = {
      envelope_id: randomUUID(),
      type: "slash_commands" as const,
      accepts_response_payload: true,
      payload,
    };
    const ack = await this.socket.send(envelope, input.ackTimeoutMs ?? ACK_TIMEOUT_MS);
    // An ack that carries a message answers the command; unless in_channel, only its author sees it.
    const answer = typeof ack.text === "string" ? ack.text : "";
    const blocks = Array.isArray(ack.blocks) ? withBlockIds(ack.blocks as Json[]) : undefined;
    if ((answer || blocks) && ack.response_type !== "in_channel") {
      this.workspace.ephemerals.push({
        channel: channel.id,
        user: input.user_id,
        ts: this.workspace.nextTs(),
        text: answer,
        via: "command_ack",
        ...(blocks && { blocks }),
        ...(input.shownInThread && { thread_ts: input.shownInThread }),
      });
    }
    return ack;
  }

  /** block_actions payload for the user an ephemeral message was shown to clicking one of its buttons. */
  buildEphemeralButtonClick(input: { ephemeral: Ephemeral; actionId: string; value?: string }): Json {
    const { ephemeral } = input;
    const responseUrl = this.responseUrls.create({
      kind: "action",
      channel: ephemeral.channel,
      user: ephemeral.user,
      ephemeralTs: ephemeral.ts,
      ...(ephemeral.thread_ts && { threadTs: ephemeral.thread_ts }),
    });
    return ephemeralButtonClickPayload(this.workspace, input, responseUrl);
  }

  /** The person picks a message shortcut on a message; resolves with the app's ack. */
  messageShortcut(input: {
    channel: string;
    messageTs: string;
    user: string;
    callbackId: string;
  }): Promise<Json> {
    const responseUrl = this.responseUrls.create({
      kind: "action",
      channel: input.channel,
      user: input.user,
    });
    const payload = this.modals.shortcutPayload(input, responseUrl);
    return this.socket.send(interactiveEnvelope(payload), ACK_TIMEOUT_MS);
  }

  /** The person chooses an option of a select in their open modal. */
  chooseInModal(input: { viewId: string; actionId: string; value: string }): Promise<Json> {
    return this.socket.send(interactiveEnvelope(this.modals.selectPayload(input)), ACK_TIMEOUT_MS);
  }

  /** The person submits their open modal, having typed `typed` (action_id → text); resolves with the app's ack. */
  async submitModal(input: { viewId: string; typed?: Record<string, string> }): Promise<Json> {
    const payload = this.modals.submissionPayload(input);
    const ack = await this.socket.send(interactiveEnvelope(payload), ACK_TIMEOUT_MS);
    this.modals.submitted(input.viewId, ack);
    return ack;
  }

  blockAction(payload: Json, opts: AckOptions = {}): Promise<Json> {
    return this.socket.send(interactiveEnvelope(payload), opts.ackTimeoutMs ?? ACK_TIMEOUT_MS);
  }

  /** Resolves with the options the app acked; rejects if Slack would refuse them (over 100, too long...). */
  async blockSuggestion(payload: Json, opts: AckOptions = {}): Promise<Json> {
    const answer = await this.socket.send(interactiveEnvelope(payload), opts.ackTimeoutMs ?? ACK_TIMEOUT_MS);
    const errors = optionsResponseErrors(answer);
    if (errors.length > 0) throw new Error(`Slack would reject this options response: ${errors.join("; ")}`);
    return answer;
  }

  /** block_actions payload for a user clicking the button `actionId` in a stored message. */
  buildButtonClick(input: MessageInteraction & { value?: string }): Json {
    return buttonClickPayload(this.workspace, input, this.actionResponseUrl(input));
  }

  /** block_actions payload for a user choosing an option of the external_select `actionId`. */
  buildExternalSelect(input: MessageInteraction & { value: string; text: string }): Json {
    return externalSelectPayload(this.workspace, input, this.actionResponseUrl(input));
  }

  /** block_suggestion payload for a user typing `value` into the external_select `actionId`. */
  buildBlockSuggestion(input: MessageInteraction & { value: string }): Json {
    return blockSuggestionPayload(this.workspace, input);
  }

  /** block_actions payload for a user choosing the option `value` of the overflow menu `actionId`. */
  buildOverflowChoice(input: MessageInteraction & { value: string }): Json {
    return overflowChoicePayload(this.workspace, input, this.actionResponseUrl(input));
  }

  private actionResponseUrl(input: MessageInteraction): string {
    const message = this.workspace.findMessage(input.channel, input.messageTs);
    const threadTs =
      input.shownInThread ?? (message?.thread_ts !== message?.ts ? message?.thread_ts : undefined);
    return this.responseUrls.create({
      kind: "action",
      channel: input.channel,
      user: input.user,
      messageTs: input.messageTs,
      ...(threadTs && { threadTs }),
    });
  }
}
