import type { App } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackSimulator } from "../../src/simulators/slack/simulator.js";
import type { StepDefinition } from "../../src/simulators/slack/workflow-runs.js";
import { waitFor } from "../../src/simulators/wait.js";
import { boltAppOn } from "../support/bolt-on-simulator.js";

/* Workflow Builder running a real Bolt app's custom step: the event Bolt hears, and the rules of ending a run. */

const greet: StepDefinition = {
  title: "Greet",
  input_parameters: { name: { type: "string", is_required: true } },
  output_parameters: { greeting: { type: "string", is_required: true } },
};

describe("SlackSimulator running workflow steps", () => {
  let fake: SlackSimulator;
  let app: App;
  const heard: { inputs: unknown; token: unknown; callbackId: string }[] = [];
  const refusals: (string | undefined)[] = [];

  beforeAll(async () => {
    fake = await SlackSimulator.start();
    app = boltAppOn(fake);
    app.function("greet", async ({ inputs, complete, fail, event }) => {
      heard.push({ inputs, token: event.bot_access_token, callbackId: event.function.callback_id });
      const name = String(inputs.name);
      if (name === "nobody") await fail({ error: "Say whom to greet." });
      else if (name === "wrong")
        await complete({ outputs: { salute: "hi" } }).catch((err: { data?: { error?: string } }) => {
          refusals.push(err.data?.error);
        });
      else await complete({ outputs: { greeting: `Hello, ${name}` } });
    });
    await app.start();
    await fake.waitForConnection();
  });

  afterAll(async () => {
    await app.stop();
    await fake.stop();
  });

  it("sends function_executed with the inputs and a token for the run, and records how the step ended", async () => {
    const done = await fake.runWorkflowStep("greet", greet, { name: "Ana" });
    await waitFor(() => done.state !== "running");
    expect(done).toMatchObject({ state: "completed", outputs: { greeting: "Hello, Ana" } });
    expect(heard.at(-1)).toMatchObject({ inputs: { name: "Ana" }, token: done.token, callbackId: "greet" });
    expect(done.token).toMatch(/^xwfp-/);

    const failed = await fake.runWorkflowStep("greet", greet, { name: "nobody" });
    await waitFor(() => failed.state !== "running");
    expect(failed).toMatchObject({ state: "failed", error: "Say whom to greet." });
  });

  it("refuses outputs the step does not declare, another run's token, and ending a run twice", async () => {
    const wrong = await fake.runWorkflowStep("greet", greet, { name: "wrong" });
    await waitFor(() => refusals.length === 1);
    expect(refusals).toEqual(["parameter_validation_failed"]);
    expect(wrong.state).toBe("running");

    const other = await fake.runWorkflowStep("greet", greet, { name: "Ben" });
    await waitFor(() => other.state !== "running");
    const errorOf = (token: string, args: Record<string, unknown>) =>
      new WebClient(token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } })
        .apiCall("functions.completeError", args)
        .then(
          () => "ok",
          (err: { data?: { error?: string } }) => err.data?.error,
        );
    expect(await errorOf(other.token, { function_execution_id: wrong.executionId, error: "x" })).toBe(
      "function_execution_not_found",
    );
    expect(await errorOf("xwfp-unknown", { function_execution_id: wrong.executionId, error: "x" })).toBe(
      "invalid_auth",
    );
    expect(await errorOf(other.token, { function_execution_id: other.executionId, error: "x" })).toBe(
      "execution_not_in_running_state",
    );
    expect(
      await errorOf(wrong.token, { function_execution_id: wrong.executionId, error: "Bad outputs" }),
    ).toBe("ok");
    expect(wrong).toMatchObject({ state: "failed", error: "Bad outputs" });
  });
});
