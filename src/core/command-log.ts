/**
 * The verbs of `/threadline` (DESIGN.md's contract). The rest of a command is numbers, names and message text,
 * and so is a first word that is not one of these: logs get the verb and how many words followed, never them.
 */
const verbs = new Set([
  "connect",
  "disconnect",
  "status",
  "help",
  "text",
  "find",
  "template",
  "hours",
  "away",
  "sla",
  "retry",
  "forget",
  "snippet",
  "snippets",
  "tag",
  "campaign",
  "autoassign",
  "pause",
  "resume",
  "report",
  "csat",
]);

export interface LoggedCommand {
  /** The command's verb, "" for none, or "unknown" for a first word that is not a verb. */
  readonly verb: string;
  readonly argumentCount: number;
}

/** What a log line may say about a `/threadline` command's text. */
export function commandForLog(text: string): LoggedCommand {
  const [first = "", ...rest] = text.trim().split(/\s+/).filter(Boolean);
  const verb = first.toLowerCase();
  return { verb: verb === "" || verbs.has(verb) ? verb : "unknown", argumentCount: rest.length };
}
