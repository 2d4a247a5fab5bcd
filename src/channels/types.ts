import type { FastifyInstance } from "fastify";
import type { Conversations } from "../core/conversations.js";
import type { CustomerChannel } from "../core/ports.js";
import type { Logger } from "../logger.js";

export interface WebhookDependencies {
  readonly conversations: Conversations;
  readonly logger: Logger;
}

/** One customer channel: the port the core sends through, and the webhook routes that feed the core. */
export interface ChannelModule {
  readonly channel: CustomerChannel;
  registerWebhooks(server: FastifyInstance, deps: WebhookDependencies): void;
}
