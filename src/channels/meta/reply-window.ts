import type { ReplyWindowRules } from "../../core/policies/reply-window.js";

const hour = 60 * 60 * 1000;

/**
 * Meta's policy for Messenger and Instagram alike: any reply within 24 hours of the person's message; a human
 * agent's reply (HUMAN_AGENT tag) within 7 days. The app needs the Human Agent permission (App Review) for
 * the second.
 */
export const metaReplyWindows: ReplyWindowRules = { standardMs: 24 * hour, humanAgentMs: 7 * 24 * hour };
