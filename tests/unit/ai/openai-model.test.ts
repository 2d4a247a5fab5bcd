import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OpenAiModel } from "../../../src/ai/openai-model.js";
import { LanguageModelError } from "../../../src/core/errors.js";
import { OpenAiSimulator } from "../../../src/simulators/openai/simulator.js";

/* The real `openai` client against the OpenAI-compatible simulator over real HTTP. */

let simulator: OpenAiSimulator;
const question = [{ role: "user" as const, content: "Customer: is my order late?" }];

beforeEach(async () => {
  simulator = await OpenAiSimulator.start();
});

afterEach(async () => {
  await simulator.stop();
});

const model = (
  overrides: { apiKey?: string | null; model?: string; baseUrl?: string } = {},
  timeoutMs = 5_000,
) =>
  new OpenAiModel(
    {
      baseUrl: overrides.baseUrl ?? simulator.baseUrl,
      apiKey: overrides.apiKey === undefined ? simulator.apiKey : overrides.apiKey,
      model: overrides.model ?? simulator.model,
      redact: false,
    },
    { timeoutMs },
  );

async function failure(promise: Promise<unknown>): Promise<LanguageModelError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LanguageModelError);
  return error as LanguageModelError;
}

describe("OpenAiModel", () => {
  it("sends the messages with the key and the model, and returns the answer with its token usage", async () => {
    simulator.answerWith(() => "  It left the warehouse today.  ");
    const answer = await model().complete(question, { maxTokens: 200 });
    expect(answer).toEqual({
      text: "It left the warehouse today.",
      usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number) },
    });
    expect(answer.usage.promptTokens).toBeGreaterThan(0);
    expect(simulator.requests).toEqual([
      {
        model: simulator.model,
        messages: question,
        maxTokens: 200,
        authorization: `Bearer ${simulator.apiKey}`,
      },
    ]);
  });

  it("sends no Authorization header when no key is configured (local servers)", async () => {
    await simulator.stop();
    simulator = await OpenAiSimulator.start({ apiKey: null });
    await model({ apiKey: null }).complete(question, { maxTokens: 50 });
    expect(simulator.requests[0]?.authorization).toBeNull();
  });

  it("classifies a refused key, an unknown model, rate limits and server errors", async () => {
    expect((await failure(model({ apiKey: "sk-wrong" }).complete(question, { maxTokens: 5 }))).code).toBe(
      "AI_KEY_REFUSED",
    );
    const unknown = await failure(model({ model: "gpt-nope" }).complete(question, { maxTokens: 5 }));
    expect(unknown.code).toBe("AI_MODEL_NOT_FOUND");
    expect(unknown.reason).toContain('"gpt-nope"');
    simulator.fail({ status: 429, code: "rate_limit_exceeded" });
    expect((await failure(model().complete(question, { maxTokens: 5 }))).code).toBe("AI_RATE_LIMITED");
    simulator.fail({ status: 500 });
    expect((await failure(model().complete(question, { maxTokens: 5 }))).code).toBe("AI_SERVER_ERROR");
    simulator.fail({ status: 400, code: "context_length_exceeded" });
    expect((await failure(model().complete(question, { maxTokens: 5 }))).code).toBe("AI_REQUEST_REFUSED");
    simulator.answerWith(() => "   ");
    expect((await failure(model().complete(question, { maxTokens: 5 }))).code).toBe("AI_EMPTY_ANSWER");
  });

  it("says the server can't be reached when nothing listens there", async () => {
    const closed = simulator.baseUrl;
    await simulator.stop();
    const error = await failure(model({ baseUrl: closed }).complete(question, { maxTokens: 5 }));
    expect(error.code).toBe("AI_UNREACHABLE");
    simulator = await OpenAiSimulator.start();
  });

  it("gives up at its timeout when the model never answers", async () => {
    simulator.fail({ hang: true });
    const error = await failure(model({}, 200).complete(question, { maxTokens: 5 }));
    expect(error.code).toBe("AI_TIMEOUT");
  });
});
