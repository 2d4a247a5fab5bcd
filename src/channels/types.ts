import type { FastifyInstance } from "fastify";
import type { Conversations } from "../core/conversations.js";
import type { ChannelKind } from "../core/model.js";
import type { CustomerChannel } from "../core/ports.js";
import type { Logger } from "../logger.js";

export interface WebhookDependencies {
  readonly conversations: Conversations;
  /** Whether the provider's message is already stored: after a failure, decides between 2xx and 503. */
  readonly isRecorded: (kind: ChannelKind, providerMessageId: string) => Promise<boolean>;
  readonly logger: Logger;
}

/** One customer channel: the port the core sends through, and the webhook routes that feed the core. */
export interface ChannelModule {
  readonly channel: CustomerChannel;
  registerWebhooks(server: FastifyInstance, deps: WebhookDependencies): void;
}
