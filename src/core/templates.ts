import type { ChannelCapabilities, TemplateRequest } from "./ports/channel.js";

/**
 * An agent asks for an approved template by starting a thread reply with `template:` (Slack refuses slash
 * commands typed in threads, so `/threadline template` cannot reach the app from one), then the template's id
 * and its variables, in order: `template: HX1234… Maya "Tuesday 3pm"`. Variables are separated by spaces;
 * double quotes (straight or curly, as Slack may type them) keep spaces inside one.
 */
const templatePrefix = /^\s*template:\s*/i;

export function isTemplateReply(text: string): boolean {
  return templatePrefix.test(text);
}

/** Words split on spaces, with "quoted words" kept together and their quotes removed. */
function words(text: string): string[] | null {
  const found: string[] = [];
  // A closing quote ends its word: `"a"b` is one malformed word, not two variables.
  // Curly quotes as escapes: one character above U+00FF would make V8 hold the whole bundle's source in two
  // bytes a character (see tests/unit/bundle-source.test.ts).
  const pattern = /["\u201C\u201D]([^"\u201C\u201D]*)["\u201C\u201D](?=\s|$)|(\S+)/g;
  for (const match of text.matchAll(pattern)) {
    const word = match[1] ?? match[2] ?? "";
    if (match[2] && /["\u201C\u201D]/.test(match[2])) return null;
    found.push(word);
  }
  return found;
}

/** The template a reply asks for, a problem to tell the agent, or null when the reply is not a template. */
export function parseTemplateReply(
  text: string,
  templates: ChannelCapabilities["templates"],
  channelLabel: string,
): TemplateRequest | { readonly problem: string } | null {
  // Where the channel has no templates, "Template: attached is the form" is just what the agent wrote.
  if (!templates || !isTemplateReply(text)) return null;
  const usage = `Write \`template: ${templates.idExample} first-variable "second variable"\`.`;
  const given = words(text.replace(templatePrefix, ""));
  if (!given) return { problem: `a quote in the template's variables is not closed. ${usage}` };
  const [id, ...variables] = given;
  if (!id) return { problem: `the reply names no template. ${usage}` };
  if (!templates.isTemplateId(id)) {
    return { problem: `\`${id}\` is not a ${channelLabel} template id. ${usage}` };
  }
  // Providers refuse empty template variables, and line breaks, tabs or long runs of spaces in one.
  const unusable = variables.findIndex((value) => value.trim() === "" || /[\n\t]| {5,}/.test(value));
  if (unusable >= 0) {
    return {
      problem: `variable ${unusable + 1} is empty or holds a line break, a tab or a long run of spaces, which templates don't allow. ${usage}`,
    };
  }
  return { id, variables };
}
