import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app.js";
import { checkAiModel } from "../../src/doctor/ai-model.js";
import { OpenAiSimulator } from "../../src/simulators/openai/simulator.js";

/* `npm run doctor`'s AI check: the real openai client asks the OpenAI-compatible simulator over HTTP. */

let model: OpenAiSimulator;

beforeEach(async () => {
  model = await OpenAiSimulator.start();
});

afterEach(async () => {
  await model.stop();
});

const configWith = (ai: Record<string, string>) =>
  loadConfig({
    SLACK_BOT_TOKEN: "xoxb-1-2",
    SLACK_APP_TOKEN: "xapp-1-2",
    PUBLIC_URL: "https://threadline.invalid",
    ...ai,
  });

const working = () => ({
  AI_BASE_URL: model.baseUrl,
  AI_MODEL: model.model,
  AI_API_KEY: model.apiKey as string,
});

describe("npm run doctor: the AI model", () => {
  it("passes when the endpoint, the key and the model answer one tiny request", async () => {
    expect(await checkAiModel(configWith(working()))).toEqual([
      { name: "AI model", status: "ok", detail: `${model.model} at ${model.baseUrl} answered` },
    ]);
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]?.maxTokens).toBe(5);
  });

  it("fails a refused key, an unknown model and an unreachable server, each with its fix", async () => {
    const [key] = await checkAiModel(configWith({ ...working(), AI_API_KEY: "sk-wrong" }));
    expect(key).toMatchObject({ status: "fail", fix: expect.stringContaining("AI_API_KEY") });
    const [unknown] = await checkAiModel(configWith({ ...working(), AI_MODEL: "gpt-nope" }));
    expect(unknown).toMatchObject({
      status: "fail",
      detail: expect.stringContaining('has no model "gpt-nope"'),
      fix: expect.stringContaining("AI_MODEL"),
    });
    const address = model.baseUrl;
    await model.stop();
    const [unreachable] = await checkAiModel(configWith({ ...working(), AI_BASE_URL: address }));
    expect(unreachable).toMatchObject({ status: "fail", fix: expect.stringContaining("AI_BASE_URL") });
    model = await OpenAiSimulator.start();
  });

  it("fails a model that does not answer in time", async () => {
    model.fail({ hang: true });
    const [slow] = await checkAiModel(configWith(working()), { timeoutMs: 200 });
    expect(slow).toMatchObject({ status: "fail", detail: expect.stringContaining("took too long") });
  });

  it("says nothing when AI is not configured", async () => {
    expect(await checkAiModel(configWith({}))).toEqual([]);
    expect(model.requests).toEqual([]);
  });
});
