import { describe, expect, it } from "vitest";
import { createRedaction, noRedaction } from "../../../src/core/ai/redaction.js";

describe("AI redaction", () => {
  it("replaces phone numbers and e-mail addresses with placeholders, the same value with the same one", () => {
    const redaction = createRedaction();
    const hidden = redaction.hide(
      "Call me on +1 (555) 765-4321 or 555.123.4567, mail jo.doe+shop@example.co.uk; again: +1 (555) 765-4321",
    );
    expect(hidden).toBe("Call me on [PHONE_1] or [PHONE_2], mail [EMAIL_1]; again: [PHONE_1]");
    expect(hidden).not.toMatch(/\d{3}/);
  });

  it("puts the values back in the model's answer, leaving unknown placeholders as they are", () => {
    const redaction = createRedaction();
    redaction.hide("I'm +15557654321, ana@example.com");
    expect(redaction.restore("We'll call [PHONE_1] and write to [EMAIL_1], not [PHONE_9].")).toBe(
      "We'll call +15557654321 and write to ana@example.com, not [PHONE_9].",
    );
  });

  it("leaves order numbers, times, dates and prices alone", () => {
    const text = "Order 12345 at 09:30 on 2026-12-07 for $1,299.00, ref A1234567B";
    expect(createRedaction().hide(text)).toBe(text);
  });

  it("is the identity when off", () => {
    expect(noRedaction.hide("+15557654321")).toBe("+15557654321");
  });
});
