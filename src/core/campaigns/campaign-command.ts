/** `/threadline campaign <#tag | all> [from <number>] <message>`, as typed. */
export interface CampaignRequest {
  /** The tag (without `#`), or null for every contact of the inbox. */
  readonly tag: string | null;
  /** The inbox number typed after `from`, or null. */
  readonly from: string | null;
  readonly message: string;
}

const example = "`/threadline campaign #vip Our spring sale starts today!`";
const campaignCommand = /^(\S+)(?:\s+from\s+((?:[a-z]+:)?\+?\d[\d().-]*))?(?:\s+([\s\S]*))?$/i;
const tagWord = /^#([a-z0-9][a-z0-9_-]{0,31})$/i;

/** Parses what follows `campaign`; never throws. */
export function parseCampaignCommand(text: string): CampaignRequest | { readonly problem: string } {
  const [, audience = "", from, message = ""] = campaignCommand.exec(text.trim()) ?? [];
  if (!audience) return { problem: `Say who gets it and what: ${example} (or \`all\` instead of \`#vip\`).` };
  const tag =
    audience.toLowerCase() === "all" ? null : (tagWord.exec(audience)?.[1]?.toLowerCase() ?? undefined);
  if (tag === undefined) {
    return {
      problem: `\`${audience}\` is not an audience: give a tag with its \`#\` (\`#vip\`) or \`all\`. For example: ${example}.`,
    };
  }
  if (!message.trim()) return { problem: `Say what to send after the audience. For example: ${example}.` };
  return { tag, from: from ?? null, message: message.trim() };
}
