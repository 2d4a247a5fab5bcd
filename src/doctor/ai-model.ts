import { OpenAiModel } from "../ai/openai-model.js";
import type { Config } from "../config.js";
import { LanguageModelError, type LanguageModelErrorCode } from "../core/errors.js";
import type { CheckResult } from "./result.js";

const name = "AI model";

const fixes: Record<LanguageModelErrorCode, string> = {
  AI_TIMEOUT:
    "Check that the model is loaded and the server is not overloaded (a local model's first answer can take long: try again).",
  AI_UNREACHABLE:
    "Check AI_BASE_URL (it ends in /v1, e.g. http://localhost:11434/v1) and that the server runs and is reachable from this machine.",
  AI_KEY_REFUSED:
    "Put a valid key for that server in AI_API_KEY (or leave it empty for a server that takes none).",
  AI_MODEL_NOT_FOUND:
    "Set AI_MODEL to a model the server has (Ollama: `ollama list`; OpenAI: a model your key may use).",
  AI_RATE_LIMITED: "The key is rate limited or out of credit: check the provider's account, then try again.",
  AI_SERVER_ERROR: "The model's server had an error: check its logs, then try again.",
  AI_REQUEST_REFUSED: "Check that AI_BASE_URL is an OpenAI-compatible API (POST …/chat/completions).",
  AI_EMPTY_ANSWER: "",
};

/**
 * With AI configured: one tiny chat completion, the way drafts ask, so the address, the key and the model are
 * all checked. Nothing is said when AI is not configured: it is optional and off.
 */
export async function checkAiModel(
  config: Config,
  options: { timeoutMs?: number } = {},
): Promise<CheckResult[]> {
  if (!config.ai) return [];
  const model = new OpenAiModel(config.ai, options);
  const where = `${config.ai.model} at ${config.ai.baseUrl}`;
  try {
    await model.complete([{ role: "user", content: "Reply with the word OK." }], { maxTokens: 5 });
    return [{ name, status: "ok", detail: `${where} answered` }];
  } catch (error) {
    if (!(error instanceof LanguageModelError)) throw error;
    // The model was reached and ran; five tokens may be too few for a model that thinks before it answers.
    if (error.code === "AI_EMPTY_ANSWER") return [{ name, status: "ok", detail: `${where} answered` }];
    return [{ name, status: "fail", detail: `${where}: ${error.reason}`, fix: fixes[error.code] }];
  }
}
