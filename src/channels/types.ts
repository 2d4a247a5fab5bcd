import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import type { Conversations } from "../core/conversations.js";
import type { ChannelKind } from "../core/model.js";
import type { CustomerChannel } from "../core/ports/channel.js";
import type { CustomerView } from "../core/ports/customer-view.js";
import type { ConversationStore } from "../core/ports/store.js";
import type { CheckResult } from "../doctor/result.js";
import type { Logger } from "../logger.js";
import type { TwilioClient } from "./twilio/client.js";

export interface WebhookDependencies {
  readonly conversations: Conversations;
  /** Whether the provider's message is already stored: after a failure, decides between 2xx and 503. */
  readonly isRecorded: (kind: ChannelKind, providerMessageId: string) => Promise<boolean>;
  readonly logger: Logger;
  /** The app's clock (epoch ms): it stamps when a message arrived, as it times waits, nudges and App Home. */
  readonly now: () => number;
  /** What a channel that shows customers their own conversation may read (a website chat's panel). */
  readonly customerView: CustomerView;
}

/** One customer channel: the port the core sends through, and the webhook routes that feed the core. */
export interface ChannelModule {
  readonly channel: CustomerChannel;
  registerWebhooks(server: FastifyInstance, deps: WebhookDependencies): void;
}

/** Test doubles the app and the doctor may hand to channels instead of the real provider clients. */
export interface ChannelOverrides {
  readonly twilioClient?: TwilioClient;
}

/** Where a channel keeps files customers hand it directly (no provider holds them): the app's media store. */
export type ChannelMediaStore = Pick<ConversationStore, "saveMedia" | "media">;

export interface ChannelContext {
  /** Base URL of the webhook receiver as providers call it. */
  readonly publicUrl: string;
  readonly overrides: ChannelOverrides;
  /** Absent where no database is opened (the doctor, command tests): channels that need it are then refused. */
  readonly media?: ChannelMediaStore;
}

/**
 * Everything Threadline knows about one channel, in its own folder: config.ts, the doctor, metrics and the
 * logger read these through the registry instead of naming channels.
 */
export interface ChannelDefinition<C> {
  /** The environment variables it reads, with their validation: merged into the one config schema. */
  readonly environment: z.ZodRawShape;
  /** Set all of them to enable the channel; setting only some is a configuration error naming the others. */
  readonly enabledBy: readonly string[];
  /** Its configuration from the parsed environment; null when the channel is disabled. */
  config(environment: Readonly<Record<string, unknown>>): C | null;
  /** The provider it calls, as the `service` label of threadline_external_errors_total. */
  readonly service: string;
  /** Where its secrets sit in logged objects (pino redaction paths). */
  readonly redactPaths: readonly string[];
  /** `npm run doctor`'s checks of its credentials; read-only. */
  doctor(config: C | null, overrides: ChannelOverrides): Promise<readonly CheckResult[]>;
  create(config: C | null, context: ChannelContext): ChannelModule;
}
