import { Counter, type Registry } from "prom-client";
import type { AiObserver } from "../core/ai/assistant.js";

/**
 * The AI model's counters: every request by task and outcome ("ok", or why it got no answer), the failures by
 * code, and the tokens the model counted (what a paid API bills).
 */
export function aiMetrics(registry: Registry): AiObserver {
  const requests = new Counter({
    name: "threadline_ai_requests_total",
    help: "Requests to the AI model by task (draft, summary) and outcome (ok, rate_limited, or the failure's code)",
    labelNames: ["task", "outcome"] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: "threadline_ai_failures_total",
    help: "Requests to the AI model that got no answer, by task and code (AI_TIMEOUT, AI_KEY_REFUSED…)",
    labelNames: ["task", "code"] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: "threadline_ai_tokens_total",
    help: "Tokens the AI model reported using, by task and kind (prompt, completion)",
    labelNames: ["task", "kind"] as const,
    registers: [registry],
  });
  return (task, outcome, usage) => {
    requests.inc({ task, outcome });
    if (outcome !== "ok" && outcome !== "rate_limited") failures.inc({ task, code: outcome });
    if (usage) {
      tokens.inc({ task, kind: "prompt" }, usage.promptTokens);
      tokens.inc({ task, kind: "completion" }, usage.completionTokens);
    }
  };
}
