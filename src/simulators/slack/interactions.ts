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
  viewSubmissionPayload,
} from "./interaction-payloads.js";
import type { ResponseUrls } from "./response-urls.js";
import { ACK_TIMEOUT_MS, type SocketModeServer } from "./socket-mode.js";
import type { AckOptions, Ephemeral, Json, OpenedModal } from "./types.js";
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

  /** A person submitting a modal the app opened; resolves with the app's ack (empty, or `response_action`). */
  submitView(input: { modal: OpenedModal; user: string; values: Json } & AckOptions): Promise<Json> {
    return this.socket.send(
      interactiveEnvelope(viewSubmissionPayload(this.workspace, input)),
      input.ackTimeoutMs ?? ACK_TIMEOUT_MS,
    );
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
