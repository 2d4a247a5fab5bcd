import { randomBytes } from "node:crypto";
import type { MethodSpec } from "./method-access.js";
import { type Args, fail, jsonArg, str } from "./method-args.js";
import type { Json } from "./types.js";

/* Workflow Builder running an app's custom steps: the function_executed event, with a token for that run, and
 * functions.completeSuccess / functions.completeError, which take that token and end the run once. */

/** A step as the app's manifest declares it under `functions` (parameters keyed by name). */
export interface StepDefinition {
  readonly title: string;
  readonly description?: string;
  readonly input_parameters: Record<string, Json & { type: string; is_required?: boolean }>;
  readonly output_parameters: Record<string, Json & { type: string; is_required?: boolean }>;
}

export interface StepRun {
  readonly executionId: string;
  readonly callbackId: string;
  readonly inputs: Json;
  readonly token: string;
  state: "running" | "completed" | "failed";
  outputs?: Json;
  error?: string;
}

function slackId(prefix: string): string {
  return `${prefix}${randomBytes(5).toString("hex").toUpperCase()}`;
}

function asArray(parameters: StepDefinition["input_parameters"]): Json[] {
  return Object.entries(parameters).map(([name, parameter]) => ({
    name,
    is_required: false,
    ...parameter,
  }));
}

export class WorkflowRuns {
  readonly runs: StepRun[] = [];
  private readonly definitions = new Map<string, StepDefinition>();

  constructor(private readonly appId: string) {}

  /** The `function_executed` event of a new run of step `callbackId` with `inputs`. */
  start(callbackId: string, definition: StepDefinition, inputs: Json): { run: StepRun; event: Json } {
    this.definitions.set(callbackId, definition);
    const run: StepRun = {
      executionId: slackId("Fx"),
      callbackId,
      inputs,
      // Each run has its own token, good for completing that run (and for calls the step makes meanwhile).
      token: `xwfp-${randomBytes(12).toString("hex")}`,
      state: "running",
    };
    this.runs.push(run);
    const now = Math.floor(Date.now() / 1000);
    const event = {
      type: "function_executed",
      function: {
        id: slackId("Fn"),
        callback_id: callbackId,
        title: definition.title,
        ...(definition.description ? { description: definition.description } : {}),
        type: "app",
        input_parameters: asArray(definition.input_parameters),
        output_parameters: asArray(definition.output_parameters),
        app_id: this.appId,
        date_created: now,
        date_updated: now,
        date_deleted: 0,
      },
      inputs,
      function_execution_id: run.executionId,
      workflow_execution_id: slackId("Wx"),
      event_ts: `${now}.000100`,
      bot_access_token: run.token,
    };
    return { run, event };
  }

  methods(): Record<string, MethodSpec> {
    const accepts = (token: string) => this.runs.some((run) => run.token === token);
    return {
      "functions.completeSuccess": {
        token: "bot",
        accepts,
        run: (args, token) => {
          const run = this.running(args, token);
          const outputs = jsonArg(args, "outputs", "invalid_arguments");
          if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs))
            return fail("invalid_arguments");
          const declared = this.definitions.get(run.callbackId)?.output_parameters ?? {};
          const missing = Object.entries(declared)
            .filter(([name, parameter]) => parameter.is_required && !(name in outputs))
            .map(([name]) => name);
          const unknown = Object.keys(outputs).filter((name) => !(name in declared));
          if (missing.length > 0 || unknown.length > 0) {
            return fail("parameter_validation_failed", {
              errors: [
                ...missing.map((n) => `missing output ${n}`),
                ...unknown.map((n) => `unknown output ${n}`),
              ],
            });
          }
          run.state = "completed";
          run.outputs = outputs as Json;
          return {};
        },
      },
      "functions.completeError": {
        token: "bot",
        accepts,
        run: (args, token) => {
          const run = this.running(args, token);
          const error = str(args, "error");
          if (!error) return fail("invalid_arguments");
          run.state = "failed";
          run.error = error;
          return {};
        },
      },
    };
  }

  /** The run `function_execution_id` names, if the token is its own and it has not ended. */
  private running(args: Args, token: string | undefined): StepRun {
    const run = this.runs.find((candidate) => candidate.executionId === str(args, "function_execution_id"));
    if (!run || run.token !== token) return fail("function_execution_not_found");
    if (run.state !== "running") return fail("execution_not_in_running_state");
    return run;
  }
}
