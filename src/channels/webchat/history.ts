import type { HistoryMessage } from "../../core/ports/customer-view.js";

/** How many messages one answer holds at most; the widget asks again after the last. */
export const historyPage = 100;

/** A message as the panel shows it: text only, never markup (the widget sets it as textContent). */
export function shownMessage(message: HistoryMessage) {
  return {
    id: message.id,
    from: message.direction === "in" ? "visitor" : "team",
    text: message.text,
    at: message.at.toISOString(),
  };
}
