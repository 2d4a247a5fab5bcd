import { AppError } from "../core/errors.js";
import type { Logger } from "../logger.js";
import { events, instagramNotification } from "../simulators/meta/payloads.js";
import type { GraphSimulator } from "../simulators/meta/simulator.js";
import { postWebhook } from "../simulators/meta/wire.js";
import type { SlackSimulator } from "../simulators/slack/simulator.js";
import type { Json } from "../simulators/slack/types.js";
import type { TwilioSimulator } from "../simulators/twilio/simulator.js";
import { customers, inboxNumber, instagramAccount, supportChannel, teammates } from "./cast.js";
import { samplePictures } from "./samples.js";

/** A request from the page that names someone or something the demo does not have. */
export class DemoRequestError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("DEMO_BAD_REQUEST", message, options);
  }
}

/** The simulators the demo drives, and the Meta app's secret it signs Instagram's webhooks with. */
export interface DemoProviders {
  readonly slack: SlackSimulator;
  readonly twilio: TwilioSimulator;
  readonly graph: GraphSimulator;
  readonly metaAppSecret: string;
}

/** A message the customer sent from the demo phone (what Twilio received from the carrier, or Instagram). */
export interface PhoneInbound {
  readonly customer: string;
  readonly body: string;
  readonly pictureId: string | null;
  readonly at: number;
  /** How the app answered the webhook. */
  readonly status: number;
}

/** How long the simulated carrier takes to report a reply delivered. */
const deliveryReportDelayMs = 700;

/**
 * What the page can do, as people would do it: a customer texts (a signed Twilio webhook) or writes on
 * Instagram (a signed Meta webhook), a teammate types
 * in Slack, runs a command, clicks a button or picks from a menu (Socket Mode envelopes the app acks).
 */
export class DemoDriver {
  readonly inbound: PhoneInbound[] = [];
  /** Set once the demo's server listens: the address the app believes Twilio calls. */
  publicUrl = "";
  private readonly reported = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: () => void;

  readonly slack: SlackSimulator;
  readonly twilio: TwilioSimulator;
  readonly graph: GraphSimulator;
  private readonly metaAppSecret: string;

  constructor(
    providers: DemoProviders,
    private readonly appUrl: () => string,
    private readonly logger: Logger,
  ) {
    ({
      slack: this.slack,
      twilio: this.twilio,
      graph: this.graph,
      metaAppSecret: this.metaAppSecret,
    } = providers);
    this.unsubscribe = this.twilio.changes.subscribe(() => this.reportDeliveries());
  }

  stop(): void {
    this.unsubscribe();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** `inbox`: the channel and its address, as `/threadline connect` takes them ("sms +15550001111"). */
  async connectInbox(inbox: string): Promise<void> {
    const owner = teammates[0].id;
    const ack = await this.command(owner, `connect ${inbox}`);
    if (!String(ack.text ?? "").startsWith("Connected"))
      throw new Error(`the demo could not connect its inbox: ${String(ack.text)}`);
  }

  /** The demo shop's website chat, in the same channel as the phone number. */
  async connectWebchat(siteName: string): Promise<void> {
    const ack = await this.command(teammates[0].id, `connect webchat ${siteName}`);
    if (!String(ack.text ?? "").startsWith("Connected"))
      throw new Error(`the demo could not connect its web chat: ${String(ack.text)}`);
  }

  async customerTexts(customer: string, body: string, pictureId: string | null): Promise<void> {
    const known = customers.find((candidate) => candidate.number === customer);
    if (!known) throw new DemoRequestError(`no demo customer ${customer}`);
    const picture = pictureId === null ? null : samplePictures.find((sample) => sample.id === pictureId);
    if (picture === undefined) throw new DemoRequestError(`no sample picture ${pictureId}`);
    if (!body.trim() && !picture) throw new DemoRequestError("type a message or attach a picture");
    if (known.channel === "instagram") return this.customerWritesOnInstagram(customer, body, picture);
    const at = Date.now();
    const media = picture
      ? [{ url: this.twilio.addMedia(picture.png, "image/png"), contentType: "image/png" }]
      : [];
    const answer = await this.twilio.sendInbound({
      webhookUrl: `${this.appUrl()}/webhooks/twilio`,
      publicUrl: `${this.publicUrl}/webhooks/twilio`,
      from: customer,
      to: inboxNumber,
      body,
      media,
    });
    this.inbound.push({ customer, body, pictureId, at, status: answer.status });
    this.twilio.changes.notify();
  }

  /** As Instagram does: the message (and the picture, on Meta's CDN) in a notification signed with the app's secret. */
  private async customerWritesOnInstagram(
    igsid: string,
    body: string,
    picture: { id: string; png: Buffer } | null,
  ): Promise<void> {
    const at = Date.now();
    const account = instagramAccount.id;
    const sent = [
      ...(body.trim() ? [events.text(account, igsid, body)] : []),
      ...(picture
        ? [
            events.attachments(account, igsid, [
              {
                type: "image",
                url: this.graph.hostFile(`${picture.id}-${at}.png`, picture.png, "image/png"),
              },
            ]),
          ]
        : []),
    ];
    const answer = await postWebhook(
      `${this.appUrl()}/webhooks/messenger`,
      instagramNotification([{ accountId: account, events: sent }]),
      { appSecret: this.metaAppSecret },
    );
    this.inbound.push({ customer: igsid, body, pictureId: picture?.id ?? null, at, status: answer.status });
    this.graph.changes.notify();
  }

  async postMessage(user: string, typed: string, threadTs: string | null): Promise<void> {
    this.requireTeammate(user);
    if (!typed.trim()) throw new DemoRequestError("type a message first");
    await this.slackDoes(() =>
      this.slack.userMessage({
        channel: supportChannel.id,
        user,
        text: slackEscape(typed),
        ...(threadTs && { thread_ts: threadTs }),
      }),
    );
  }

  /** `inThread`: the thread pane it was typed in, where its answers show. */
  command(user: string, text: string, inThread: string | null = null): Promise<Json> {
    this.requireTeammate(user);
    return this.slackDoes(() =>
      this.slack.slashCommand({
        channel_id: supportChannel.id,
        user_id: user,
        text,
        ...(inThread && { shownInThread: inThread }),
      }),
    );
  }

  /** `inThread`: the thread pane the button was clicked in, where answers to the click show. */
  click(user: string, messageTs: string, actionId: string, inThread: string | null = null): Promise<Json> {
    this.requireTeammate(user);
    return this.slackDoes(() =>
      this.slack.blockAction(
        this.slack.buildButtonClick({
          channel: supportChannel.id,
          messageTs,
          user,
          actionId,
          ...(inThread && { shownInThread: inThread }),
        }),
      ),
    );
  }

  clickEphemeral(user: string, ephemeralTs: string, actionId: string): Promise<Json> {
    this.requireTeammate(user);
    const ephemeral = this.slack.ephemerals.find((shown) => shown.ts === ephemeralTs && shown.user === user);
    if (!ephemeral) throw new DemoRequestError("that message is no longer shown");
    return this.slackDoes(() =>
      this.slack.blockAction(this.slack.buildEphemeralButtonClick({ ephemeral, actionId })),
    );
  }

  /** A ⋯ menu's choice (an overflow element), e.g. "Remind me in 1 hour". */
  chooseFromMenu(
    user: string,
    messageTs: string,
    actionId: string,
    value: string,
    inThread: string | null = null,
  ): Promise<Json> {
    this.requireTeammate(user);
    return this.slackDoes(() =>
      this.slack.blockAction(
        this.slack.buildOverflowChoice({
          channel: supportChannel.id,
          messageTs,
          user,
          actionId,
          value,
          ...(inThread && { shownInThread: inThread }),
        }),
      ),
    );
  }

  /** Adds the emoji reaction, or takes it away when this person already reacted with it (as Slack's pill does). */
  async toggleReaction(user: string, messageTs: string, name: string): Promise<void> {
    this.requireTeammate(user);
    const reacted = this.slack.reactions.some(
      (r) =>
        r.channel === supportChannel.id && r.timestamp === messageTs && r.name === name && r.user === user,
    );
    const reaction = { channel: supportChannel.id, ts: messageTs, user, name };
    await this.slackDoes(() => (reacted ? this.slack.unreact(reaction) : this.slack.react(reaction)));
  }

  /** The person opens Threadline's Home tab; the app publishes it. */
  async openHome(user: string): Promise<void> {
    this.requireTeammate(user);
    await this.slackDoes(() => this.slack.openHome(user));
  }

  /** The options the app offers for a menu, as Slack asks for them while someone types. */
  options(user: string, messageTs: string, actionId: string, query: string): Promise<Json> {
    this.requireTeammate(user);
    return this.slackDoes(() =>
      this.slack.blockSuggestion(
        this.slack.buildBlockSuggestion({
          channel: supportChannel.id,
          messageTs,
          user,
          actionId,
          value: query,
        }),
      ),
    );
  }

  select(
    user: string,
    messageTs: string,
    actionId: string,
    choice: { value: string; text: string },
    inThread: string | null = null,
  ): Promise<Json> {
    this.requireTeammate(user);
    return this.slackDoes(() =>
      this.slack.blockAction(
        this.slack.buildExternalSelect({
          channel: supportChannel.id,
          messageTs,
          user,
          actionId,
          ...choice,
          ...(inThread && { shownInThread: inThread }),
        }),
      ),
    );
  }

  /** Refreshes views after what the page did (the app's own requests notify by themselves). */
  private async slackDoes<T>(act: () => Promise<T>): Promise<T> {
    try {
      return await act();
    } catch (error) {
      // The simulators refuse a click on a message or button that does not exist with a plain Error.
      if (error instanceof Error && /^no |has no /.test(error.message))
        throw new DemoRequestError(error.message, { cause: error });
      throw error;
    } finally {
      this.slack.changes.notify();
    }
  }

  private requireTeammate(user: string): void {
    if (!teammates.some((teammate) => teammate.id === user))
      throw new DemoRequestError(`no teammate ${user}`);
  }

  /** As a carrier would: each reply the app sent is reported delivered a moment later. */
  private reportDeliveries(): void {
    for (const message of this.twilio.sent) {
      if (this.reported.has(message.sid) || !message.StatusCallback) continue;
      this.reported.add(message.sid);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.twilio
          .sendStatusCallback({
            webhookUrl: `${this.appUrl()}/webhooks/twilio/status`,
            messageSid: message.sid,
            status: "delivered",
          })
          .then(
            () => this.twilio.changes.notify(),
            (error: unknown) => this.logger.warn({ err: error }, "demo: could not report a reply delivered"),
          );
      }, deliveryReportDelayMs);
      this.timers.add(timer);
    }
  }
}

/** The Slack client escapes these three in what people type; the app unescapes them for the customer. */
function slackEscape(typed: string): string {
  return typed.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
