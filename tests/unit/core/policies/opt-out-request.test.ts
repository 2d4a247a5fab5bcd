import { describe, expect, it } from "vitest";
import { optOutRequest } from "../../../../src/core/policies/opt-out-request.js";

describe("optOutRequest: the keywords, alone in the message", () => {
  it.each([
    "STOP",
    "stop",
    "Stop.",
    " STOP! ",
    "STOPALL",
    "Unsubscribe",
    "END",
    "quit",
    "Cancel",
    "REVOKE",
    "OPT OUT",
    "opt-out",
    "OPTOUT",
  ])("%j is a keyword", (text) => {
    expect(optOutRequest(text)).toMatchObject({ by: "keyword" });
  });
});

describe("optOutRequest: plain-language requests", () => {
  it.each([
    "stop texting me",
    "Stop texting me!",
    "Please stop texting me",
    "stop messaging me",
    "stop sending me messages",
    "stop all messages",
    "Stop texting me anymore, thanks",
    "don't text me",
    "Don’t text me again",
    "do not message me",
    "dont contact me anymore",
    "never text me again",
    "remove me from your list",
    "Please remove me from your mailing list.",
    "take me off your list",
    "remove my number from your list",
    "delete my number",
    "unsubscribe me",
    "Unsubscribe me please",
    "opt me out",
    "I want to unsubscribe",
    "I would like to opt out",
    "I want to stop receiving these messages",
    "no more texts",
  ])("%j asks to stop", (text) => {
    expect(optOutRequest(text)).toEqual({ by: "phrase" });
  });
});

describe("optOutRequest: ordinary sentences", () => {
  it.each([
    "cancel my order",
    "Can I cancel my order?",
    "stop by tomorrow",
    "I'll stop by tomorrow",
    "Please stop the delivery",
    "end of the day works",
    "quit it, the package is wrong",
    "STOP please, my order is wrong",
    "don't text me the code, email it",
    "remove me from the waitlist for the blue one",
    "how do I unsubscribe from the newsletter?",
    "the bus stop",
    "STOP STOP",
    "",
    "   ",
    "start",
  ])("%j is not a request", (text) => {
    expect(optOutRequest(text)).toBeNull();
  });
});
