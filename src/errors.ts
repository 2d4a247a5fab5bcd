import { AppError } from "./core/errors.js";

/** The environment is wrong: every bad variable, named, so start-up can say them all at once. */
export class ConfigError extends AppError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super("CONFIG_INVALID", `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

/**
 * Start-up cannot go on until a person changes something outside the code: `message` says what went wrong,
 * `fix` what to change, naming the variable. The entrypoint prints both on one line and exits.
 */
export class StartupFailure extends AppError {
  readonly fix: string;

  constructor(code: string, message: string, fix: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.fix = fix;
  }
}
