export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  /** What was found, in a sentence. */
  readonly detail: string;
  /** What to do about it, for warn and fail. */
  readonly fix?: string;
}
