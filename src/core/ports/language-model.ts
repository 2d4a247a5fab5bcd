/* The language model port: what the core needs from an AI model (drafts and summaries). src/ai implements it
 * with any OpenAI-compatible API; nothing here names an SDK. Failures are LanguageModelError (core/errors.ts). */

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface Completion {
  readonly text: string;
  readonly usage: TokenUsage;
}

export interface LanguageModel {
  /** The model's name, as configured (for logs and metrics). */
  readonly name: string;
  /** One answer to `messages`; throws LanguageModelError (timeout, refused key, unknown model, limits…). */
  complete(
    messages: readonly ChatMessage[],
    options: { readonly maxTokens: number; readonly signal?: AbortSignal },
  ): Promise<Completion>;
}
