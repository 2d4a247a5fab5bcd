import { describe, expect, it } from "vitest";
import { type DraftGrounding, draftPrompt, summaryPrompt } from "../../../src/core/ai/prompt.js";
import { createRedaction } from "../../../src/core/ai/redaction.js";

const grounding: DraftGrounding = {
  channelLabel: "SMS",
  maxCharacters: 320,
  lengthReason: "an SMS is billed per 160-character segment, so two segments at most",
  transcript: [
    { from: "Customer", text: "Is the blue lamp back in stock?\nMy number is +15557654321" },
    { from: "Automatic reply", text: "We're closed; back at 9." },
  ],
  savedReplies: [{ name: "stock", text: "Restocks arrive every Monday." }],
  similar: [{ customer: "When is the red lamp back?", answers: ["Next Monday, with the restock."] }],
  team: { hours: "Mon-Fri 09:00-17:00 Europe/Lisbon", openNow: false, awayMessage: "Back at 9." },
};

describe("the AI prompt", () => {
  it("gives the model the channel's limit, the team's state, saved replies, similar answers and the conversation", () => {
    const [system, user] = draftPrompt(grounding, (text) => text);
    expect(system?.role).toBe("system");
    expect(system?.content).toContain("Never promise anything the agents have not promised");
    const content = String(user?.content);
    expect(content).toContain(
      "The customer writes by SMS. Keep the reply under 320 characters (an SMS is billed per 160-character segment, so two segments at most).",
    );
    expect(content).toContain("The team's hours: Mon-Fri 09:00-17:00 Europe/Lisbon. The team is away now");
    expect(content).toContain('Its away message says: "Back at 9."');
    expect(content).toContain("- stock: Restocks arrive every Monday.");
    expect(content).toContain("1. Past customer message: When is the red lamp back?");
    expect(content).toContain("   Past agent answer: Next Monday, with the restock.");
    // One line per message, oldest first, the customer's own line breaks folded.
    expect(content).toContain(
      "Customer: Is the blue lamp back in stock? My number is +15557654321\nAutomatic reply: We're closed; back at 9.",
    );
  });

  it("leaves out what is empty, and passes every piece of conversation text through the redaction", () => {
    const [, user] = draftPrompt(
      { ...grounding, savedReplies: [], similar: [], lengthReason: null },
      createRedaction().hide,
    );
    const content = String(user?.content);
    expect(content).not.toContain("Saved replies");
    expect(content).not.toContain("Similar past conversations");
    expect(content).toContain("Keep the reply under 320 characters.");
    expect(content).toContain("My number is [PHONE_1]");
    expect(content).not.toContain("7654321");
  });

  it("asks for a summary of what the customer wants, what was promised and what is open", () => {
    const [system, user] = summaryPrompt(grounding.transcript, (text) => text);
    expect(system?.content).toContain(
      "what the customer wants; what the agents promised; what is still open",
    );
    expect(user?.content).toContain("Customer: Is the blue lamp back in stock?");
  });
});
