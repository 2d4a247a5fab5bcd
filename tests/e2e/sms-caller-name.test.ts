import { afterEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/simulators/slack/types.js";
import { customerNumber, Harness, waitFor } from "./harness.js";

let harness: Harness;

const lookups = () =>
  harness.twilio.requests.filter((request) => request.path.startsWith("/v2/PhoneNumbers/"));
const title = (parent: StoredMessage) =>
  (parent.blocks as { type: string; text?: { text: string } }[] | undefined)?.find(
    (block) => block.type === "header",
  )?.text?.text;

describe("SMS contacts' names from Twilio Lookup (TWILIO_CALLER_NAME_LOOKUP)", () => {
  afterEach(async () => {
    await harness?.stop();
  });

  it("names the thread after the number's caller name, and find knows the customer by it", async () => {
    harness = await Harness.start({ environment: { TWILIO_CALLER_NAME_LOOKUP: "true" } });
    harness.twilio.setCallerName(customerNumber, "MAYA PATEL");
    await harness.connectInbox();
    await harness.sms("Is my order on its way?");
    const parent = await harness.waitForParent();
    expect(title(parent)).toBe("Conversation with Maya Patel");
    expect(lookups()).toHaveLength(1);
    expect(lookups()[0]?.path).toMatch(/^\/v2\/PhoneNumbers\/(%2B|\+)15557654321\?Fields=caller_name$/);

    const found = await harness.command("find maya");
    expect(found).toContain("*Maya Patel* (+1 555 765 4321)");

    // Looked up once: the stored name is the cache.
    await harness.sms("Hello again");
    await waitFor(() => harness.replies(parent.ts).some((reply) => reply.text.includes("Hello again")));
    expect(lookups()).toHaveLength(1);
  });

  it("keeps the number when the carrier has no name, and when Lookup fails", async () => {
    harness = await Harness.start({ environment: { TWILIO_CALLER_NAME_LOOKUP: "true" } });
    await harness.connectInbox();
    await harness.sms("No name on file");
    const parent = await harness.waitForParent();
    expect(title(parent)).toBe("Conversation with +1 555 765 4321");
    expect(harness.logs.find("no contact profile available")).toBeDefined();

    harness.twilio.setDown(true);
    await harness.sms("Another customer", { from: "+15553338888" });
    await waitFor(() => harness.parents().length === 2);
    expect(title(harness.parents()[1] as StoredMessage)).toBe("Conversation with +1 555 333 8888");
    expect(
      harness.logs.find(
        "contact profile lookup failed; the thread starts without the name and the lookup is retried",
      ),
    ).toBeDefined();
    harness.twilio.setDown(false);
  });

  it("looks nothing up unless asked to (Lookup is billed per number)", async () => {
    harness = await Harness.start();
    harness.twilio.setCallerName(customerNumber, "MAYA PATEL");
    await harness.connectInbox();
    await harness.sms("Hi");
    const parent = await harness.waitForParent();
    expect(title(parent)).toBe("Conversation with +1 555 765 4321");
    expect(lookups()).toEqual([]);
  });
});
