/**
 * Customer text shown in Slack must stay text: Slack treats `<…>` as mentions and links and `&` as the start
 * of an entity, so those three characters are escaped (Slack's documented escaping, nothing more).
 */
export function escapeForSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const entities: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&" };

function decodeEntities(text: string): string {
  return text.replace(/&(?:lt|gt|amp);/g, (entity) => entities[entity] ?? entity);
}

const userMention = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

/** Slack user ids mentioned in mrkdwn, to look their names up before converting. */
export function mentionedUserIds(mrkdwn: string): string[] {
  return [...new Set([...mrkdwn.matchAll(userMention)].map((match) => match[1] as string))];
}

const specialMentions: Record<string, string> = { here: "@here", channel: "@channel", everyone: "@everyone" };

/**
 * Slack mrkdwn as an agent typed it → the plain text a phone shows: mentions become `@name`, links
 * `label (url)`, and entities are decoded (only after the `<…>` markup is gone, so an escaped `&lt;` the
 * agent typed is not mistaken for markup).
 */
export function mrkdwnToPlainText(mrkdwn: string, userNames: ReadonlyMap<string, string>): string {
  const converted = mrkdwn.replace(/<([^<>]+)>/g, (_whole, inner: string) => {
    const [target = "", label] = splitOnce(inner, "|");
    switch (target[0]) {
      case "@":
        return `@${userNames.get(target.slice(1)) ?? label ?? target.slice(1)}`;
      case "#":
        return label ? `#${label}` : "#channel";
      case "!": {
        const command = target.slice(1).split("^")[0] ?? "";
        return specialMentions[command] ?? label ?? "";
      }
      default: {
        const url = decodeEntities(target);
        const text = label === undefined ? undefined : decodeEntities(label);
        if (url.startsWith("mailto:")) return text ?? url.slice("mailto:".length);
        return text === undefined || text === url ? url : `${text} (${url})`;
      }
    }
  });
  return decodeEntities(converted).trim();
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/**
 * Agents keep a thread message internal by starting it with `note:`. Formatting must not turn a note into a
 * message to the customer, so before the word may come spaces, mrkdwn emphasis (`*`, `_`, `~`) and quote
 * markers (`>`, which Slack sends as `&gt;`); between the word and the colon, spaces and emphasis. Any case.
 */
const internalNote = /^(?:[\s*_~]|>|&gt;)*note[\s*_~]*:/i;

export function isInternalNote(text: string): boolean {
  return internalNote.test(text);
}
