/**
 * `AI_REDACT=on`: phone numbers and e-mail addresses are replaced with numbered placeholders in what is sent to
 * the model, and put back in what it answers. The same value always gets the same placeholder within one
 * request, so the model can still tell that two mentions are the same number.
 */
export interface Redaction {
  /** The text with every phone number and e-mail address replaced by its placeholder. */
  hide(text: string): string;
  /** The model's answer with the placeholders it kept replaced by the values they stand for. */
  restore(text: string): string;
}

const email = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/** International (+…) or local numbers of 7+ digits, with the usual separators: spaces, dots, dashes, brackets. */
const phone = /(?<![\p{L}\p{N}])\+?\(?\d(?:[\s().-]{0,2}\d){6,16}(?![\p{L}\p{N}])/gu;
/** Dates look like numbers to the pattern above; they are no one's contact details. */
const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const placeholder = /\[(EMAIL|PHONE)_(\d+)\]/g;

export function createRedaction(): Redaction {
  const byValue = new Map<string, string>();
  const byPlaceholder = new Map<string, string>();
  const counts = { EMAIL: 0, PHONE: 0 };
  const replace = (kind: "EMAIL" | "PHONE") => (value: string) => {
    const known = byValue.get(value);
    if (known) return known;
    counts[kind] += 1;
    const name = `[${kind}_${counts[kind]}]`;
    byValue.set(value, name);
    byPlaceholder.set(name, value);
    return name;
  };
  return {
    hide: (text) =>
      text
        .replace(email, replace("EMAIL"))
        .replace(phone, (value) => (isoDate.test(value) ? value : replace("PHONE")(value))),
    restore: (text) => text.replace(placeholder, (name) => byPlaceholder.get(name) ?? name),
  };
}

/** With redaction off: what is sent is the text itself. */
export const noRedaction: Redaction = { hide: (text) => text, restore: (text) => text };
