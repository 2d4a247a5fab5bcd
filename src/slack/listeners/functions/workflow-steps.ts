import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { StepContext, StepOutcome } from "../../../core/workflow-steps.js";
import { workflowSteps } from "../../workflow-steps.js";
import type { ListenerDependencies } from "../dependencies.js";
import type { SlackListeners } from "../table.js";

type StepArgs = SlackEventMiddlewareArgs<"function_executed"> & AllMiddlewareArgs;

function text(inputs: Record<string, unknown>, name: string): string {
  const value = inputs[name];
  return typeof value === "string" ? value.trim() : "";
}

/**
 * Workflow Builder's steps. Slack sends `function_executed` with the step's inputs and a token for this run;
 * Bolt's `complete` / `fail` answer with it. The channel and the person running the workflow are inputs,
 * since the same rules as `/threadline text` apply to them.
 */
export function register(app: SlackListeners, { workflowSteps: steps, logger }: ListenerDependencies): void {
  const run = async <Outputs extends Record<string, unknown>>(
    { inputs, complete, fail, event }: StepArgs,
    inputNames: { channel: string; user: string },
    step: (context: StepContext) => Promise<StepOutcome<Outputs>>,
  ) => {
    const context = { channelId: text(inputs, inputNames.channel), userId: text(inputs, inputNames.user) };
    const log = logger.child({
      step: event.function.callback_id,
      functionExecutionId: event.function_execution_id,
      ...context,
    });
    if (!context.channelId || !context.userId) {
      const reason = `The step needs the channel whose inbox it uses (${inputNames.channel}) and the person running the workflow (${inputNames.user}).`;
      log.warn({ reason }, "workflow step refused: inputs missing");
      await fail({ error: reason });
      return;
    }
    // The core logs each refusal (the customer's number left out); this logs how Slack was answered.
    const outcome = await step(context).catch((error: unknown): StepOutcome<Outputs> => {
      log.error({ err: error }, "workflow step failed on an error");
      return {
        result: "failed",
        reason: "Threadline hit an error on its server; it has been logged. Nothing more was done.",
      };
    });
    // What was done stays done when Slack can't be told: the workflow's run then times out on Slack's side.
    try {
      if (outcome.result === "done") {
        await complete({ outputs: outcome.outputs });
        log.info("workflow step completed");
      } else {
        await fail({ error: outcome.reason });
        log.warn("workflow step answered with an error");
      }
    } catch (error) {
      log.error({ err: error, outcome: outcome.result }, "could not tell Slack how the workflow step ended");
    }
  };

  const send = workflowSteps.sendText;
  app.function(send.callbackId, (args) =>
    run(args, send.inputs, (context) =>
      steps.sendText(
        {
          to: text(args.inputs, send.inputs.to),
          message: text(args.inputs, send.inputs.message),
          from: text(args.inputs, send.inputs.from) || null,
        },
        context,
      ),
    ),
  );

  const close = workflowSteps.close;
  app.function(close.callbackId, (args) =>
    run(args, close.inputs, (context) => steps.close({ to: text(args.inputs, close.inputs.to) }, context)),
  );
}
