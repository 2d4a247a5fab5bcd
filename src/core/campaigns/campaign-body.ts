import type { CustomerChannel, TemplateRequest } from "../ports/channel.js";
import { parseTemplateReply } from "../templates.js";

export const optOutLine = "Reply STOP to opt out";

/** What a campaign sends on a channel: its text (with the opt-out line where STOP works), or a template. */
export type CampaignBody =
  | { readonly text: string; readonly template: null }
  | { readonly text: string; readonly template: TemplateRequest };

/**
 * The body of a campaign as typed, or why the channel can't send it. Where the first message to a customer must
 * be an approved template, only a `template:` line is accepted; where STOP opts out, the text
 * ends with "Reply STOP to opt out" unless it already tells them; it must fit one provider message.
 */
export function campaignBody(
  message: string,
  channel: CustomerChannel,
): CampaignBody | { readonly problem: string } {
  const { capabilities, label } = channel;
  const template = parseTemplateReply(message, capabilities.templates, label);
  if (template && "problem" in template)
    return { problem: `The template can't be sent: ${template.problem}` };
  if (capabilities.firstMessage === "template") {
    if (!template) {
      const example = capabilities.templates?.idExample ?? "<template id>";
      return {
        problem: `${label} lets a business write first only with an approved template, so a ${label} campaign must be one: \`/threadline campaign #vip template: ${example} Maya\`.`,
      };
    }
    return { text: message, template };
  }
  if (template) return { text: message, template };
  const text =
    capabilities.optOutWords.length > 0 && !/\bstop\b/i.test(message)
      ? `${message}\n\n${optOutLine}`
      : message;
  if (channel.replyParts(text, []).length > 1) {
    return {
      problem: `The message is too long for one ${label} message (${text.length} characters with its opt-out line, at most ${capabilities.maxTextLength}). Shorten it.`,
    };
  }
  return { text, template: null };
}
