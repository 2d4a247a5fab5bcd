import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Satisfaction } from "../../src/core/ports/satisfaction.js";

export interface SatisfactionUnderTest {
  /** Handles on one database, each as a separate instance would hold it (its own connection). */
  readonly instances: readonly Satisfaction[];
  /** Runs plain SQL both databases accept (seeding rows). */
  exec(text: string): Promise<void>;
  close(): Promise<void>;
}

const t0 = new Date("2026-12-07T10:00:00Z");
const hours = (count: number) => new Date(t0.getTime() + count * 3_600_000);
const customer = { kind: "sms" as const, inboxAddress: "+15550001111", contactAddress: "+15557654321" };

/** What every Satisfaction must do; each database's test file runs it with 3 handles on one database. */
export function satisfactionContract(name: string, open: () => Promise<SatisfactionUnderTest>): void {
  describe(`Satisfaction contract: ${name}`, () => {
    let subject: SatisfactionUnderTest;
    let satisfaction: Satisfaction;

    beforeEach(async () => {
      subject = await open();
      satisfaction = subject.instances[0] as Satisfaction;
      await subject.exec(
        `INSERT INTO "Inbox" ("id", "kind", "address", "slackChannelId", "updatedAt") VALUES (1, 'sms', '+15550001111', 'C1', CURRENT_TIMESTAMP)`,
      );
      await subject.exec(
        `INSERT INTO "Contact" ("id", "kind", "address", "updatedAt") VALUES (1, 'sms', '+15557654321', CURRENT_TIMESTAMP)`,
      );
      await subject.exec(
        `INSERT INTO "Conversation" ("id", "inboxId", "contactId", "status", "updatedAt") VALUES (1, 1, 1, 'closed', CURRENT_TIMESTAMP)`,
      );
    });

    afterEach(async () => {
      await subject.close();
    });

    const survey = (now: Date) => ({
      conversationId: 1,
      slackChannelId: "C1",
      provider: "sms" as const,
      text: "How did we do?",
      now,
      notAskedSince: new Date(now.getTime() - 24 * 3_600_000),
    });

    it("keeps a channel's question, and turns it off", async () => {
      expect(await satisfaction.setting("C1")).toBeNull();
      await satisfaction.setSetting("C1", { question: null }, "U1");
      expect(await satisfaction.setting("C1")).toEqual({ question: null });
      await satisfaction.setSetting("C1", { question: "Rate us 1-5" }, "U1");
      expect(await satisfaction.setting("C1")).toEqual({ question: "Rate us 1-5" });
      await satisfaction.setSetting("C1", null, "U1");
      expect(await satisfaction.setting("C1")).toBeNull();
    });

    it("asks once a day however many instances race, and takes one answer within the day", async () => {
      const asked = await Promise.all(subject.instances.map((instance) => instance.recordSurvey(survey(t0))));
      expect(asked.filter((id) => id !== null)).toHaveLength(1);
      expect(await satisfaction.recordSurvey(survey(hours(23)))).toBeNull();

      expect(await satisfaction.openSurvey(customer, hours(-24))).toMatchObject({ conversationId: 1 });
      // Asked at t0: a day and more later, there is nothing to answer.
      expect(await satisfaction.openSurvey(customer, hours(1))).toBeNull();
      expect(
        await satisfaction.openSurvey({ ...customer, contactAddress: "+15550000000" }, hours(-24)),
      ).toBeNull();

      const open = await satisfaction.openSurvey(customer, hours(-24));
      expect(await satisfaction.answer(open?.surveyId as number, 4, hours(1))).toBe(true);
      expect(await satisfaction.answer(open?.surveyId as number, 2, hours(1))).toBe(false);
      expect(await satisfaction.openSurvey(customer, hours(-24))).toBeNull();

      const again = await satisfaction.recordSurvey(survey(hours(25)));
      expect(again).not.toBeNull();
      expect(again).not.toBe(asked.find((id) => id !== null));
    });
  });
}
