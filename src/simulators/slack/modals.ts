import { blockErrors, findElement, MAX_VIEW_BLOCKS, withBlockIds } from "./blocks.js";
import { VERIFICATION_TOKEN } from "./events.js";
import type { MethodSpec } from "./method-access.js";
import { type Args, fail, jsonArg, str } from "./method-args.js";
import { apiMessage } from "./rendering.js";
import type { Json } from "./types.js";
import type { Workspace } from "./workspace.js";

/* Message shortcuts and modals: a person picks a shortcut on a message, the app opens a modal with the
 * shortcut's trigger_id (views.open, within 3 seconds, once), may change it as the person chooses in it
 * (views.update), and hears the submission (view_submission), whose ack may close it or show errors. */

/** A modal open in front of a person, as the app last set it, with what they typed or chose in it. */
export interface OpenModal {
  readonly id: string;
  readonly user: string;
  view: Json;
  /** state.values: block_id → action_id → the element's state. */
  values: Record<string, Record<string, Json>>;
  closed: boolean;
  /** What the app's ack to the submission answered, once submitted. */
  submission?: Json;
}

const actionTs = () => (Date.now() / 1000).toFixed(6);

export class Modals {
  readonly open = new Map<string, OpenModal>();
  private counter = 0;

  constructor(private readonly ws: Workspace) {}

  /** A trigger_id for an interaction of `user`, usable once within 3 seconds. */
  trigger(user: string): string {
    return this.ws.issueTrigger(user);
  }

  /** The modal `user` has open (the latest one), if any. */
  openFor(user: string): OpenModal | undefined {
    return [...this.open.values()].reverse().find((modal) => modal.user === user && !modal.closed);
  }

  methods(): Record<string, MethodSpec> {
    return {
      "views.open": {
        token: "bot",
        run: (args) => {
          const triggerId = str(args, "trigger_id");
          const trigger = triggerId ? this.ws.triggers.get(triggerId) : undefined;
          if (!triggerId || !trigger) return fail("invalid_trigger_id");
          this.ws.triggers.delete(triggerId);
          if (trigger.expiresAt < Date.now()) return fail("expired_trigger_id");
          const id = `V${String(++this.counter).padStart(10, "0")}`;
          const modal: OpenModal = {
            id,
            user: trigger.user,
            view: modalView(args),
            values: {},
            closed: false,
          };
          this.open.set(id, modal);
          return { view: this.rendered(modal) };
        },
      },
      "views.update": {
        token: "bot",
        run: (args) => {
          const modal = this.open.get(str(args, "view_id") ?? "");
          if (!modal || modal.closed) return fail("not_found");
          modal.view = modalView(args);
          // What the person typed stays in the blocks that remain (Slack keys it by block_id).
          const blockIds = new Set(
            (modal.view.blocks as Json[]).map((block) => block.block_id as string | undefined),
          );
          modal.values = Object.fromEntries(
            Object.entries(modal.values).filter(([blockId]) => blockIds.has(blockId)),
          );
          return { view: this.rendered(modal) };
        },
      },
    };
  }

  /** `user` picking the message shortcut `callbackId` on a message. */
  shortcutPayload(
    input: { channel: string; messageTs: string; user: string; callbackId: string },
    responseUrl: string,
  ): Json {
    const channel = this.ws.channels.get(input.channel);
    const message = channel && this.ws.findMessage(channel.id, input.messageTs);
    if (!channel || !message) throw new Error(`no message ${input.messageTs} in ${input.channel}`);
    const { ids } = this.ws;
    return {
      type: "message_action",
      token: VERIFICATION_TOKEN,
      action_ts: actionTs(),
      team: { id: ids.teamId, domain: ids.teamDomain },
      user: this.user(input.user),
      channel: { id: channel.id, name: channel.name },
      is_enterprise_install: false,
      enterprise: null,
      callback_id: input.callbackId,
      trigger_id: this.trigger(input.user),
      response_url: responseUrl,
      message_ts: message.ts,
      message: apiMessage(this.ws, message),
    };
  }

  /** The person choosing `value` in the select `actionId` of their open modal. */
  selectPayload(input: { viewId: string; actionId: string; value: string }): Json {
    const modal = this.live(input.viewId);
    const found = findElement(modal.view.blocks as Json[], input.actionId);
    if (found?.element.type !== "static_select") {
      throw new Error(`modal ${modal.id} has no static_select ${input.actionId}`);
    }
    const options = (found.element.options ?? []) as { text: Json; value: string }[];
    const option = options.find((candidate) => candidate.value === input.value);
    if (!option) throw new Error(`the select ${input.actionId} has no option ${input.value}`);
    const selected = { text: option.text, value: option.value };
    modal.values[found.blockId] = {
      ...modal.values[found.blockId],
      [input.actionId]: { type: "static_select", selected_option: selected },
    };
    const { ids } = this.ws;
    return {
      type: "block_actions",
      user: this.user(modal.user),
      api_app_id: ids.appId,
      token: VERIFICATION_TOKEN,
      container: { type: "view", view_id: modal.id },
      trigger_id: this.trigger(modal.user),
      team: { id: ids.teamId, domain: ids.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
      view: this.rendered(modal),
      actions: [
        {
          type: "static_select",
          action_id: input.actionId,
          block_id: found.blockId,
          selected_option: selected,
          action_ts: actionTs(),
        },
      ],
    };
  }

  /**
   * The person pressing the modal's submit button, having typed `typed` (action_id → text) in its text inputs;
   * an input left alone submits its initial_value, as Slack does.
   */
  submissionPayload(input: { viewId: string; typed?: Record<string, string> }): Json {
    const modal = this.live(input.viewId);
    for (const block of modal.view.blocks as Json[]) {
      const element = block.element as Json | undefined;
      if (block.type !== "input" || element?.type !== "plain_text_input") continue;
      const actionId = element.action_id as string;
      const typed = input.typed?.[actionId];
      const value = typed ?? (element.initial_value as string | undefined) ?? null;
      modal.values[block.block_id as string] = { [actionId]: { type: "plain_text_input", value } };
    }
    const { ids } = this.ws;
    return {
      type: "view_submission",
      team: { id: ids.teamId, domain: ids.teamDomain },
      user: this.user(modal.user),
      api_app_id: ids.appId,
      token: VERIFICATION_TOKEN,
      trigger_id: this.trigger(modal.user),
      view: this.rendered(modal),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
  }

  /** The app's ack to a submission: no errors closes the modal. */
  submitted(viewId: string, ack: Json): void {
    const modal = this.live(viewId);
    modal.submission = ack;
    if (ack.response_action !== "errors") modal.closed = true;
  }

  private live(viewId: string): OpenModal {
    const modal = this.open.get(viewId);
    if (!modal || modal.closed) throw new Error(`no open modal ${viewId}`);
    return modal;
  }

  private user(id: string): Json {
    const name = this.ws.users.get(id)?.name ?? id;
    return { id, username: name, name, team_id: this.ws.ids.teamId };
  }

  private rendered(modal: OpenModal): Json {
    const { ids } = this.ws;
    return {
      id: modal.id,
      team_id: ids.teamId,
      private_metadata: "",
      callback_id: "",
      external_id: "",
      ...modal.view,
      state: { values: modal.values },
      hash: `${modal.id}.${Object.keys(modal.values).length}`,
      previous_view_id: null,
      root_view_id: modal.id,
      app_id: ids.appId,
      bot_id: ids.botId,
    };
  }
}

/** The `view` argument of views.open/update: a modal with a title and valid blocks, block_ids filled in. */
function modalView(args: Args): Json {
  const view = jsonArg(args, "view", "invalid_arguments");
  if (typeof view !== "object" || view === null) return fail("invalid_arguments");
  const { type, blocks, title } = view as Json;
  if (type !== "modal" || !title || !Array.isArray(blocks)) return fail("invalid_arguments");
  const errors = blockErrors(blocks as Json[], MAX_VIEW_BLOCKS);
  if (errors.length > 0) {
    fail("invalid_arguments", { response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
  }
  return { ...(view as Json), blocks: withBlockIds(blocks as Json[]) };
}
