import { escapeForSlack } from "../text.js";

/** Slack quotes each line of a block quote on its own. */
export const quoted = (text: string) =>
  escapeForSlack(text)
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
