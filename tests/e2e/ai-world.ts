import type { AiOverrides } from "../../src/ai/assistant-wiring.js";
import { OpenAiSimulator } from "../../src/simulators/openai/simulator.js";
import type { Ephemeral, StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, Harness, supportChannel, waitFor } from "./harness.js";

/* AI drafts end to end: the real Bolt app against the fake Slack, the real `openai` client against the
 * OpenAI-compatible simulator over HTTP, replies to the customer through the fake Twilio. */

export const question = "Hi, my order #1234 hasn't arrived yet. Can you check where it is?";

export interface AiWorld {
  readonly harness: Harness;
  readonly model: OpenAiSimulator;
  /** The parent of the conversation the customer started with `question`. */
  readonly parent: StoredMessage;
}

export async function startAiWorld(
  options: { ai?: AiOverrides; environment?: Record<string, string> } = {},
): Promise<AiWorld> {
  const model = await OpenAiSimulator.start();
  const harness = await Harness.start({
    environment: {
      AI_BASE_URL: model.baseUrl,
      AI_MODEL: model.model,
      AI_API_KEY: model.apiKey as string,
      ...options.environment,
    },
    ...(options.ai && { overrides: { ai: options.ai } }),
  });
  await harness.connectInbox();
  await harness.sms(question);
  const parent = await harness.waitForParent();
  await waitFor(() => harness.replies(parent.ts).length === 1);
  return { harness, model, parent };
}

export async function stopAiWorld(world: AiWorld | undefined): Promise<void> {
  await world?.harness.stop();
  await world?.model.stop();
}

/** What the agent is shown, just to them, in the conversation's thread. */
export const shownToAgent = ({ harness, parent }: AiWorld) =>
  harness.slack.ephemerals.filter((e) => e.user === agent.id && e.thread_ts === parent.ts);

/** ✨ Draft reply on the parent; resolves with what the person is shown in the thread. */
export async function clickDraft(world: AiWorld): Promise<Ephemeral> {
  const before = shownToAgent(world).length;
  await world.harness.slack.blockAction(
    world.harness.slack.buildButtonClick({
      channel: supportChannel,
      messageTs: world.parent.ts,
      user: agent.id,
      actionId: "threadline.ai.draft",
    }),
  );
  return waitFor(() => shownToAgent(world)[before]);
}

export async function metrics({ harness }: AiWorld): Promise<string> {
  return (await fetch(harness.metricsUrl)).text();
}
