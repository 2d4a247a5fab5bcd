import { randomBytes } from "node:crypto";
import { FaultQueue } from "../faults.js";
import { json, type LocalServer, listen, type Reply, readBody } from "../http.js";

/* A local OpenAI-compatible API for the tests and the demo: `POST /v1/chat/completions` and `GET /v1/models`
 * in OpenAI's wire format (a `chat.completion` object with `choices` and `usage`; errors as
 * `{ error: { message, type, param, code } }`), with queued errors and answers that never come. */

export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly maxTokens: number | null;
  /** The Authorization header as received; null when none was sent. */
  readonly authorization: string | null;
}

export type ModelFault =
  /** Answers with this HTTP status and an OpenAI error object. */
  | { readonly status: number; readonly code?: string; readonly message?: string }
  /** Never answers (until the simulator stops): the client's timeout is what ends the request. */
  | { readonly hang: true };

/** Marks every answer of the default answerer, so a simulated draft is never mistaken for a real model's. */
export const simulatedMark = "[simulated model]";

/** A plausible answer from the request alone: a reply to the last customer line, or a summary. */
export function simulatedAnswer(request: ChatRequest): string {
  const system = request.messages.find((message) => message.role === "system")?.content ?? "";
  const last = request.messages.at(-1)?.content ?? "";
  const quoted = /Customer: (.+)/g;
  const lines = [...last.matchAll(quoted)].map((match) => match[1] ?? "");
  const latest = (lines.at(-1) ?? "your message").slice(0, 60);
  if (/summar/i.test(system)) {
    return `${simulatedMark} The customer wrote ${lines.length} message(s), most recently: "${latest}". Nothing was promised yet; their question is open.`;
  }
  return `${simulatedMark} Thanks for your message ("${latest}"). We're looking into it and will get back to you shortly.`;
}

/** A rough token count (about four characters a token), so `usage` adds up like a real server's. */
const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export class OpenAiSimulator {
  readonly requests: ChatRequest[] = [];
  private readonly faults = new FaultQueue<ModelFault>();
  private answerer: (request: ChatRequest) => string = simulatedAnswer;
  private readonly hanging = new Set<() => void>();

  private constructor(
    private readonly local: LocalServer,
    readonly model: string,
    readonly apiKey: string | null,
  ) {}

  static async start(options: { model?: string; apiKey?: string | null; port?: number } = {}) {
    let simulator: OpenAiSimulator | undefined;
    const local = await listen(async (req, url) => {
      const self = simulator as OpenAiSimulator;
      const body = await readBody(req);
      return self.handle(req.method ?? "GET", url, body.json, req.headers.authorization ?? null);
    }, options.port);
    simulator = new OpenAiSimulator(
      local,
      options.model ?? "threadline-sim-1",
      options.apiKey === undefined ? "sk-sim-key" : options.apiKey,
    );
    return simulator;
  }

  /** What AI_BASE_URL is set to. */
  get baseUrl(): string {
    return `${this.local.origin}/v1`;
  }

  /** The next `times` chat completions fail (or hang) this way, in the order queued. */
  fail(fault: ModelFault, times = 1): void {
    this.faults.add(fault, times);
  }

  answerWith(answerer: (request: ChatRequest) => string): void {
    this.answerer = answerer;
  }

  async stop(): Promise<void> {
    for (const release of this.hanging) release();
    await this.local.close();
  }

  private async handle(method: string, url: URL, body: unknown, authorization: string | null) {
    if (this.apiKey !== null && authorization !== `Bearer ${this.apiKey}`) {
      return openAiError(401, "invalid_api_key", "Incorrect API key provided.", "invalid_request_error");
    }
    if (method === "GET" && url.pathname === "/v1/models") {
      return json({
        object: "list",
        data: [{ id: this.model, object: "model", created: 1_700_000_000, owned_by: "threadline" }],
      });
    }
    if (method !== "POST" || url.pathname !== "/v1/chat/completions") {
      return openAiError(404, "unknown_url", `Unknown request URL: ${method} ${url.pathname}.`);
    }
    const request = parseRequest(body, authorization);
    if (!request) return openAiError(400, "invalid_request", "messages must be a non-empty array.");
    this.requests.push(request);
    const fault = this.faults.take();
    if (fault && "hang" in fault) {
      return new Promise<Reply>((resolve) => {
        const release = () => resolve(openAiError(503, "shutting_down", "The simulator stopped."));
        this.hanging.add(release);
      });
    }
    if (fault) {
      return openAiError(
        fault.status,
        fault.code ?? "simulated_error",
        fault.message ?? "Simulated failure.",
      );
    }
    if (request.model !== this.model) {
      return openAiError(
        404,
        "model_not_found",
        `The model \`${request.model}\` does not exist or you do not have access to it.`,
      );
    }
    const content = this.answerer(request);
    const promptTokens = request.messages.reduce((sum, message) => sum + tokens(message.content), 0);
    const completionTokens = tokens(content);
    return json({
      id: `chatcmpl-${randomBytes(12).toString("base64url")}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: this.model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content, refusal: null },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    });
  }
}

function parseRequest(body: unknown, authorization: string | null): ChatRequest | null {
  if (typeof body !== "object" || body === null) return null;
  const { model, messages, max_tokens } = body as Record<string, unknown>;
  if (!Array.isArray(messages) || messages.length === 0) return null;
  return {
    model: typeof model === "string" ? model : "",
    messages: messages.map((message) => ({
      role: String((message as Record<string, unknown>).role),
      content: String((message as Record<string, unknown>).content),
    })),
    maxTokens: typeof max_tokens === "number" ? max_tokens : null,
    authorization,
  };
}

function openAiError(status: number, code: string, message: string, type = "api_error"): Reply {
  return json({ error: { message, type, param: null, code } }, status);
}
