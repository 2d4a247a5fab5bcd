import type OpenAI from "openai";
import type { AiConfig } from "../config.js";
import { LanguageModelError } from "../core/errors.js";
import type { ChatMessage, Completion, LanguageModel } from "../core/ports/language-model.js";

/** A person waits for the answer in Slack: past this, they are told and nothing changes. */
export const defaultModelTimeoutMs = 20_000;

/**
 * The language model port on any OpenAI-compatible API (OpenAI, Ollama, vLLM, LM Studio), through the
 * maintained `openai` client pointed at `AI_BASE_URL`. The only file that imports `openai`: it calls, and
 * classifies the client's errors into LanguageModelError codes. The key goes to that base URL and nowhere else.
 */
export class OpenAiModel implements LanguageModel {
  readonly name: string;
  private client: Promise<OpenAiClient> | undefined;

  constructor(
    private readonly config: AiConfig,
    private readonly options: { readonly timeoutMs?: number } = {},
  ) {
    this.name = config.model;
  }

  /**
   * The client and its module, loaded at the first question: the `openai` package (external to the bundle)
   * stays out of the memory of an app that has AI configured but unused so far, and of every app without it.
   */
  private loadClient(): Promise<OpenAiClient> {
    this.client ??= import("openai").then(({ default: OpenAIClass }) => ({
      OpenAI: OpenAIClass,
      client: this.newClient(OpenAIClass),
    }));
    return this.client;
  }

  private newClient(OpenAIClass: typeof OpenAI): OpenAI {
    const { config, options } = this;
    return new OpenAIClass({
      baseURL: config.baseUrl,
      // Local servers take no key: the client insists on one, so a placeholder is given and its header dropped.
      apiKey: config.apiKey ?? "none",
      ...(config.apiKey === null && { defaultHeaders: { Authorization: null } }),
      // Named, so the client never reads OPENAI_* variables from the environment behind the operator's back.
      organization: null,
      project: null,
      webhookSecret: null,
      timeout: options.timeoutMs ?? defaultModelTimeoutMs,
      // The person asking retries if they want: a retry would only make them wait past the timeout.
      maxRetries: 0,
    });
  }

  async complete(
    messages: readonly ChatMessage[],
    options: { readonly maxTokens: number; readonly signal?: AbortSignal },
  ): Promise<Completion> {
    let errors: OpenAiClient["OpenAI"] | undefined;
    try {
      const { OpenAI: OpenAIClass, client } = await this.loadClient();
      errors = OpenAIClass;
      // The chat completions endpoint, which every OpenAI-compatible server has (the Responses API is OpenAI's).
      const { completions } = client.chat;
      const answer = await completions.create(
        {
          model: this.name,
          messages: messages.map((message) => ({ role: message.role, content: message.content })),
          // max_tokens, not max_completion_tokens: the one every OpenAI-compatible server understands.
          max_tokens: options.maxTokens,
        },
        options.signal ? { signal: options.signal } : {},
      );
      const text = answer.choices[0]?.message?.content?.trim() ?? "";
      if (!text) throw new LanguageModelError("AI_EMPTY_ANSWER", "the model answered with no text");
      return {
        text,
        usage: {
          promptTokens: answer.usage?.prompt_tokens ?? 0,
          completionTokens: answer.usage?.completion_tokens ?? 0,
        },
      };
    } catch (error) {
      throw classify(error, this.name, errors);
    }
  }
}

interface OpenAiClient {
  /** The module's class, whose static members are the client's error classes. */
  readonly OpenAI: typeof OpenAI;
  readonly client: OpenAI;
}

/** The client's error as the core's: a stable code and a reason a person can act on. */
export function classify(
  error: unknown,
  model: string,
  OpenAI: OpenAiClient["OpenAI"] | undefined,
): LanguageModelError {
  if (error instanceof LanguageModelError) return error;
  const as = (code: LanguageModelError["code"], reason: string) =>
    new LanguageModelError(code, reason, { cause: error });
  // The `openai` package could not be loaded (an incomplete install): nothing was asked.
  if (!OpenAI) return as("AI_SERVER_ERROR", "the AI client could not be loaded (reinstall the dependencies)");
  if (error instanceof OpenAI.APIConnectionTimeoutError || error instanceof OpenAI.APIUserAbortError) {
    return as("AI_TIMEOUT", "the AI model took too long to answer");
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return as("AI_UNREACHABLE", "the AI model's server can't be reached (check AI_BASE_URL)");
  }
  if (error instanceof OpenAI.AuthenticationError || error instanceof OpenAI.PermissionDeniedError) {
    return as("AI_KEY_REFUSED", "the AI model's server refused the key (check AI_API_KEY)");
  }
  if (error instanceof OpenAI.NotFoundError) {
    return as("AI_MODEL_NOT_FOUND", `the AI server has no model "${model}" (check AI_MODEL)`);
  }
  if (error instanceof OpenAI.RateLimitError) {
    return as("AI_RATE_LIMITED", "the AI model's server is rate limiting us; try again in a minute");
  }
  if (error instanceof OpenAI.InternalServerError) {
    return as("AI_SERVER_ERROR", "the AI model's server had an error; try again in a minute");
  }
  if (error instanceof OpenAI.APIError) {
    return as("AI_REQUEST_REFUSED", `the AI model's server refused the request (HTTP ${error.status})`);
  }
  return as("AI_SERVER_ERROR", "the AI model could not be asked");
}
