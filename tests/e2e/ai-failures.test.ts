import { afterEach, describe, expect, it } from "vitest";
import type { AiOverrides } from "../../src/ai/assistant-wiring.js";
import { OpenAiSimulator } from "../../src/simulators/openai/simulator.js";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import {
  type AiWorld,
  clickDraft as clickDraftIn,
  metrics as metricsOf,
  question,
  startAiWorld,
} from "./ai-world.js";
import { Harness, waitFor } from "./harness.js";

let world: AiWorld;
let harness: Harness;
let model: OpenAiSimulator;
let parent: StoredMessage;

async function start(options: { ai?: AiOverrides; environment?: Record<string, string> } = {}) {
  world = await startAiWorld(options);
  ({ harness, model, parent } = world);
}

afterEach(async () => {
  await harness.stop();
  await model.stop();
});

const clickDraft = () => clickDraftIn(world);
const metrics = () => metricsOf(world);

describe("AI failures and limits", () => {
  it("a model that doesn't answer in time: the person gets the reason, nothing changes", async () => {
    await start({ ai: { timeoutMs: 300 } });
    model.fail({ hang: true });
    const answer = await clickDraft();
    expect(answer.text).toBe("No draft: the AI model took too long to answer. Nothing was changed.");
    expect(answer.blocks).toBeUndefined();
    expect(harness.logs.find("AI model gave no answer")).toMatchObject({ code: "AI_TIMEOUT" });
    const ours = harness.logs.lines.filter((line) => line.component !== "bolt" || line.level >= 30);
    expect(JSON.stringify(ours)).not.toContain("hasn't arrived");
    expect(await metrics()).toContain('threadline_ai_failures_total{task="draft",code="AI_TIMEOUT"} 1');
    await harness.idle();
    expect(harness.twilio.sent).toEqual([]);
  });

  it("a model error and an unknown model are explained", async () => {
    await start({ environment: { AI_MODEL: "no-such-model" } });
    expect((await clickDraft()).text).toBe(
      'No draft: the AI server has no model "no-such-model" (check AI_MODEL). Nothing was changed.',
    );
    model.fail({ status: 500 });
    expect((await clickDraft()).text).toContain("the AI model's server had an error");
  });

  it("refuses a person who asks too often, and counts it", async () => {
    await start({ ai: { rateLimit: { requests: 2, windowMs: 60_000 } } });
    await clickDraft();
    await clickDraft();
    const refused = await clickDraft();
    expect(refused.text).toMatch(
      /^You've asked the AI model often in the last few minutes: try again in 1 minute/,
    );
    expect(model.requests).toHaveLength(2);
    expect(await metrics()).toContain('threadline_ai_requests_total{task="draft",outcome="rate_limited"} 1');
  });

  it("with AI_REDACT=on, phone numbers and e-mails are hidden from the model and put back in the draft", async () => {
    await start({ environment: { AI_REDACT: "on" } });
    await harness.sms("Call me on +1 (555) 222-3333 or mail jo.doe@example.com");
    await waitFor(() => harness.replies(parent.ts).length === 2);
    model.answerWith(() => "We'll call you on [PHONE_1] and confirm to [EMAIL_1].");
    const draft = await clickDraft();
    const sent = JSON.stringify(model.requests[0]?.messages);
    expect(sent).not.toContain("222-3333");
    expect(sent).not.toContain("jo.doe@example.com");
    expect(sent).toContain("Customer: Call me on [PHONE_1] or mail [EMAIL_1]");
    expect(draft.text).toBe(
      "✨ Draft reply: We'll call you on +1 (555) 222-3333 and confirm to jo.doe@example.com.",
    );
  });
});

describe("without an AI model", () => {
  it("shows no AI control anywhere", async () => {
    model = await OpenAiSimulator.start();
    harness = await Harness.start();
    await harness.connectInbox();
    await harness.sms(question);
    parent = await harness.waitForParent();
    const blocks = JSON.stringify(parent.blocks);
    expect(blocks).toContain("threadline.remind");
    expect(blocks).not.toContain("threadline.ai");
    expect(blocks).not.toContain("✨");
  });
});
