import { describe, expect, it } from "vitest";
import { howLong } from "../../../src/core/delivery/handlers/customer-send-gave-up.js";
import { gaveUpCode, outcomeUnknownCode, waitsToBeSentAgain } from "../../../src/core/delivery-status.js";
import type { MessageStatus } from "../../../src/core/model.js";

describe("which replies Send again may queue once more", () => {
  it("a reply whose outcome is unknown, or whose send was given up with nothing (more) of it out", () => {
    expect(waitsToBeSentAgain({ status: "not_sent", errorCode: outcomeUnknownCode })).toBe(true);
    expect(waitsToBeSentAgain({ status: "failed", errorCode: gaveUpCode })).toBe(true);
  });

  it("never one that is on its way, went out, or failed for another reason", () => {
    const refused: [MessageStatus, string | null][] = [
      ["pending", null],
      ["queued", null],
      ["sent", null],
      ["delivered", null],
      ["read", gaveUpCode],
      ["failed", "21211"],
      ["undelivered", "30003"],
      ["not_sent", "OPTED_OUT"],
      ["failed", outcomeUnknownCode],
      ["not_sent", gaveUpCode],
    ];
    for (const [status, errorCode] of refused) {
      expect(waitsToBeSentAgain({ status, errorCode }), `${status} ${errorCode}`).toBe(false);
    }
  });
});

describe("how long a send kept failing, in words", () => {
  it("seconds, then minutes, then hours", () => {
    expect(howLong(300)).toBe("less than a second");
    expect(howLong(1_000)).toBe("1 second");
    expect(howLong(45_000)).toBe("45 seconds");
    expect(howLong(12 * 60_000)).toBe("12 minutes");
    expect(howLong(5 * 3_600_000)).toBe("5 hours");
  });
});
