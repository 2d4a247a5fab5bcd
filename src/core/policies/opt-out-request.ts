/**
 * Whether a customer's message asks to stop receiving messages, in the words US rules (since April 2025) ask
 * businesses to honour: the opt-out keywords alone, or a plain sentence that says so. Ordinary sentences that
 * merely contain such a word ("cancel my order", "stop by tomorrow") are not requests. Pure: no provider here.
 */

/** Keywords that opt out when they are the whole message (any case, trailing punctuation ignored). */
export const optOutKeywords = [
  "STOP",
  "STOPALL",
  "UNSUBSCRIBE",
  "END",
  "QUIT",
  "CANCEL",
  "REVOKE",
  "OPT OUT",
  "OPTOUT",
] as const;

/* Phrases, on the message normalised to lower-case words separated by single spaces. Each asks for the
 * messages themselves to stop: a verb of stopping aimed at the messages or at "me", never at an order or a visit. */
const messages = "(?:texting|messaging|texts|messages|contacting|sending|emailing|calling)";
const polite = "(?:please |pls |plz |kindly )?";
const phrases: readonly RegExp[] = [
  // "stop texting me", "please stop sending me messages", "stop all messages"
  new RegExp(`^${polite}stop (?:all )?${messages}(?: me)?(?: (?:any ?more|now|please|thanks|thank you))*$`),
  new RegExp(`^${polite}stop ${messages}(?: me)? (?:texts|messages)(?: please)?$`),
  // "don't text me", "do not message me anymore", "never text me again"
  new RegExp(
    `^${polite}(?:don't|dont|do not|never) (?:text|message|contact|send) me(?: (?:any ?more|again|please|ever))*$`,
  ),
  // "remove me from your list", "take me off your mailing list", "delete my number"
  /^(?:please )?(?:remove|take) (?:me|my number) (?:from|off) (?:your|the|this)(?: \w+)? list(?: please)?$/,
  /^(?:please )?(?:remove|delete) my (?:number|phone number)(?: please)?$/,
  // "unsubscribe me", "opt me out", "I want to unsubscribe", "I'd like to opt out"
  /^(?:please )?(?:unsubscribe|opt out|optout) me(?: please)?$/,
  /^(?:please )?opt me out(?: please)?$/,
  /^i (?:want|would like|wish|need) to (?:unsubscribe|opt out|stop (?:getting|receiving) (?:these )?(?:texts|messages))(?: please)?$/,
  /^(?:no more|stop the) (?:texts|messages)(?: please)?$/,
];

/** The message as lower-case words: curly apostrophes straightened, punctuation at the ends and between words dropped. */
function normalised(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^a-z0-9' ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** What made a message an opt-out request: the keyword alone, or a phrase (for the thread's notice). */
export type OptOutRequest = { readonly by: "keyword"; readonly keyword: string } | { readonly by: "phrase" };

/** Whether `text` asks to stop receiving messages; null for anything else. */
export function optOutRequest(text: string): OptOutRequest | null {
  const words = normalised(text);
  if (!words) return null;
  const keyword = optOutKeywords.find((candidate) => candidate.toLowerCase() === words);
  if (keyword) return { by: "keyword", keyword };
  return phrases.some((phrase) => phrase.test(words)) ? { by: "phrase" } : null;
}
