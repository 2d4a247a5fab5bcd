import type { CheckResult, CheckStatus } from "./result.js";

const marks: Record<CheckStatus, string> = { ok: "✔", warn: "!", fail: "✖", skip: "–" };

/** The checklist as people read it: one line per check, the fix indented under each problem. */
export function formatReport(results: readonly CheckResult[]): string {
  const lines = results.flatMap((result) => [
    `${marks[result.status]} ${result.name}: ${result.detail}`,
    ...(result.fix && (result.status === "fail" || result.status === "warn")
      ? [`    fix: ${result.fix}`]
      : []),
  ]);
  const failed = results.filter((r) => r.status === "fail").length;
  const warned = results.filter((r) => r.status === "warn").length;
  lines.push(
    "",
    failed > 0
      ? `${failed} problem(s) to fix${warned > 0 ? `, ${warned} warning(s)` : ""}.`
      : `All good${warned > 0 ? ` (${warned} warning(s))` : ""}.`,
  );
  return lines.join("\n");
}

export function exitCode(results: readonly CheckResult[]): number {
  return results.some((result) => result.status === "fail") ? 1 : 0;
}
