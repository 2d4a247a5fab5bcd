/* Saved replies as text: names, variables, and the `;name` reply that sends one. Pure, so tested without Slack. */

import { escapeForSlack } from "./text.js";

/** A name as it is typed after `;`: a short word of letters, digits, `-` and `_` (`hours`, `ship-times`). */
const namePattern = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** The canonical (lower-case) name, or null when `word` can't be one. */
export function parseSnippetName(word: string): string | null {
  const name = word.toLowerCase();
  return namePattern.test(name) ? name : null;
}

export const snippetNameRule =
  "a short word of letters, digits, `-` or `_` (up to 32), e.g. `hours` or `ship-times`";

/** The variables a saved reply may use, and what each becomes. */
export const snippetVariables = {
  first_name: "the customer's first name",
  name: "the customer's full name",
  agent: "your name in Slack",
} as const;

export type SnippetVariable = keyof typeof snippetVariables;

const variablePattern = /\{([^{}\s]*)\}/g;

/** The `{…}` in `body` that are not variables a saved reply may use, each once, in order. */
export function unknownVariables(body: string): string[] {
  const unknown = [...body.matchAll(variablePattern)]
    .map((match) => match[1] as string)
    .filter((name) => !Object.hasOwn(snippetVariables, name));
  return [...new Set(unknown)];
}

/** How the customer is called when their name is unknown ("Hi {first_name}" reads "Hi there"). */
export const unknownCustomerName = "there";

/**
 * The saved reply with its variables filled. `body` is Slack text (mrkdwn, entities escaped), so the values,
 * which a customer may have chosen, are escaped for Slack: they stay text.
 */
export function fillSnippet(
  body: string,
  values: { readonly customerName: string | null; readonly agentName: string },
): string {
  const name = values.customerName?.trim() || null;
  const filled: Record<SnippetVariable, string> = {
    first_name: name?.split(/\s+/)[0] ?? unknownCustomerName,
    name: name ?? unknownCustomerName,
    agent: values.agentName,
  };
  return body.replace(variablePattern, (whole, variable: string) =>
    Object.hasOwn(filled, variable) ? escapeForSlack(filled[variable as SnippetVariable]) : whole,
  );
}

/** A thread reply `;name` (alone, or followed by text to append after the saved reply). */
export interface SavedReplyRequest {
  readonly name: string;
  /** What follows the name, with the break that separated it (a space or a line break); "" when nothing. */
  readonly appended: string;
}

const savedReplyPattern = /^;([A-Za-z0-9][\w-]*)(?:([ \t]+|\s*\n\s*)([\s\S]*))?$/;

/** The saved reply a thread reply asks for, or null when it is an ordinary reply. */
export function savedReplyRequest(text: string): SavedReplyRequest | null {
  const match = savedReplyPattern.exec(text.trim());
  if (!match) return null;
  const [, word = "", separator = "", rest = ""] = match;
  const appended = rest.trim() ? `${separator.includes("\n") ? "\n" : " "}${rest.trim()}` : "";
  return { name: word.toLowerCase(), appended };
}

export type SnippetCommand =
  | { readonly action: "add"; readonly name: string; readonly body: string }
  | { readonly action: "remove"; readonly name: string }
  | { readonly action: "list" };

const addUsage = "`/threadline snippet add hours Hi {first_name}, we're open 9am–5pm, Monday to Friday.`";

/**
 * `snippet add <name> <text>` (the text keeps its line breaks), `snippet remove <name>`, `snippets`; `rest` is
 * what follows `snippet`. A problem comes with an example of what works.
 */
export function parseSnippetCommand(rest: string): SnippetCommand | { readonly problem: string } {
  const [, verb = "", word = "", body = ""] = /^\s*(\S*)\s*(\S*)\s*([\s\S]*)$/.exec(rest) ?? [];
  switch (verb.toLowerCase()) {
    case "":
    case "list":
      return { action: "list" };
    case "add": {
      const name = parseSnippetName(word);
      if (!word) return { problem: `Give the saved reply a name and its text: ${addUsage}` };
      if (!name) return { problem: `\`${word}\` can't be a name: use ${snippetNameRule}.` };
      if (!body.trim()) return { problem: `Give the text of \`${name}\` after its name: ${addUsage}` };
      const unknown = unknownVariables(body);
      if (unknown.length > 0) {
        const known = Object.keys(snippetVariables)
          .map((variable) => `\`{${variable}}\``)
          .join(", ");
        return {
          problem: `Not saved: ${unknown.map((variable) => `\`{${variable}}\``).join(", ")} ${unknown.length === 1 ? "is not a variable" : "are not variables"} I can fill. A saved reply may use ${known}.`,
        };
      }
      return { action: "add", name, body: body.trim() };
    }
    case "remove":
    case "delete": {
      const name = parseSnippetName(word);
      if (!name || body.trim()) {
        return { problem: "Say which saved reply to remove: `/threadline snippet remove hours`." };
      }
      return { action: "remove", name };
    }
    default:
      return {
        problem: `I don't know \`snippet ${verb}\`. Use ${addUsage}, \`/threadline snippet remove hours\` or \`/threadline snippets\`.`,
      };
  }
}
