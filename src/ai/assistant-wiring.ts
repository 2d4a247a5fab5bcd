import type { WebClient } from "@slack/web-api";
import type { Config } from "../config.js";
import type { AiObserver } from "../core/ai/assistant.js";
import { AiAssistant, type AssistantSlack } from "../core/ai/assistant.js";
import type { AiRateLimit } from "../core/ai/rate-limit.js";
import type { Conversations } from "../core/conversations.js";
import type { ChannelRegistry } from "../core/ports/channel.js";
import type { CoreLogger } from "../core/ports/logger.js";
import type { ConversationStore } from "../core/ports/store.js";
import { OpenAiModel } from "./openai-model.js";

export interface AiOverrides {
  /** How long a person waits for the model (20 s by default); tests shorten it. */
  readonly timeoutMs?: number;
  readonly rateLimit?: AiRateLimit;
}

/** The AI assistant when a model is configured (`AI_BASE_URL`, `AI_MODEL`); null: no AI anywhere. */
export function createAssistant(
  config: Config,
  deps: {
    readonly store: ConversationStore;
    readonly channels: ChannelRegistry;
    readonly client: WebClient;
    readonly conversations: Conversations;
    readonly logger: CoreLogger;
    readonly observe: AiObserver;
    readonly now: () => number;
  },
  overrides: AiOverrides = {},
): { readonly assistant: AiAssistant; readonly modelName: string } | null {
  if (!config.ai) return null;
  const { conversations } = deps;
  const model = new OpenAiModel(
    config.ai,
    overrides.timeoutMs === undefined ? {} : { timeoutMs: overrides.timeoutMs },
  );
  const slack: AssistantSlack = {
    tellPrivately: async (channel, threadTs, user, text) => {
      await deps.client.chat.postEphemeral({ channel, user, thread_ts: threadTs, text });
    },
  };
  const assistant = new AiAssistant(
    deps.store,
    deps.channels,
    model,
    slack,
    (reply) => conversations.agentReplied(reply),
    deps.logger,
    {
      redact: config.ai.redact,
      now: deps.now,
      observe: deps.observe,
      ...(overrides.rateLimit && { rateLimit: overrides.rateLimit }),
    },
  );
  return { assistant, modelName: model.name };
}
