import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { StepDefinition } from "../../src/simulators/slack/workflow-runs.js";
import { readManifest } from "../../src/slack/scopes.js";
import { type PostgresCluster, startPostgres } from "../support/postgres.js";
import { agent, customerNumber, Harness, supportChannel, waitFor } from "./harness.js";

/* The workflow steps on PostgreSQL: the send waits for its thread through the store, the close finds the
 * number's open conversation with the search written once (decision 0024). */

const steps = readManifest().functions ?? {};
let cluster: PostgresCluster;
let harness: Harness;

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  await cluster?.stop();
});

afterEach(async () => {
  await harness.stop();
});

async function runStep(callbackId: string, inputs: Record<string, string>) {
  const run = await harness.slack.runWorkflowStep(callbackId, steps[callbackId] as StepDefinition, {
    channel_id: supportChannel,
    user_id: agent.id,
    phone_number: customerNumber,
    ...inputs,
  });
  await waitFor(() => run.state !== "running", { message: `${callbackId} run ended` });
  return run;
}

it("sends with a link to the thread, then closes that conversation, on PostgreSQL", async () => {
  harness = await Harness.start({ environment: { DATABASE_URL: await cluster.createDatabase("workflows") } });
  await harness.connectInbox();

  const sent = await runStep("send_text_message", { message: "Your order has shipped!" });
  const parent = await harness.waitForParent();
  expect(sent.outputs).toEqual({
    thread_url: `https://threadline-test.slack.com/archives/${supportChannel}/p${parent.ts.replace(".", "")}`,
  });
  await waitFor(() => harness.twilio.sent.length === 1);

  expect((await runStep("close_conversation", {})).state).toBe("completed");
  await waitFor(() =>
    harness
      .replies(parent.ts)
      .some((reply) => reply.text === `A workflow run by <@${agent.id}> closed this conversation.`),
  );
  expect((await runStep("close_conversation", {})).error).toContain("has no open conversation");
});
