import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Reports } from "../../src/core/ports/reports.js";

export interface ReportsUnderTest {
  readonly reports: Reports;
  /** Runs plain SQL both databases accept (seeding rows). */
  exec(text: string): Promise<void>;
  close(): Promise<void>;
}

/** As both databases store a moment (Prisma's ISO text on SQLite, a timestamp on PostgreSQL). */
const moment = (iso: string) => `'${iso.replace("Z", "+00:00")}'`;

/** What every Reports must do; each database's test file runs it on seeded rows. */
export function reportsContract(name: string, open: () => Promise<ReportsUnderTest>): void {
  describe(`Reports contract: ${name}`, () => {
    let subject: ReportsUnderTest;

    beforeEach(async () => {
      subject = await open();
      const at = moment("2026-12-07T10:00:00.000Z");
      const before = moment("2026-12-05T10:00:00.000Z");
      await subject.exec(
        `INSERT INTO "Inbox" ("id", "kind", "address", "slackChannelId", "updatedAt") VALUES (1, 'sms', '+15550001111', 'C1', ${at}), (2, 'sms', '+15550002222', 'C2', ${at})`,
      );
      await subject.exec(
        `INSERT INTO "Contact" ("id", "kind", "address", "updatedAt") VALUES (1, 'sms', '+15557000001', ${at}), (2, 'sms', '+15557000002', ${at}), (3, 'sms', '+15557000003', ${at})`,
      );
      await subject.exec(
        `INSERT INTO "Conversation" ("id", "inboxId", "contactId", "status", "closedBy", "closedAt", "createdAt", "updatedAt") VALUES
          (1, 1, 1, 'closed', 'U1', ${at}, ${at}, ${at}),
          (2, 1, 2, 'open', NULL, NULL, ${before}, ${at}),
          (3, 2, 3, 'closed', 'U2', ${at}, ${at}, ${at})`,
      );
      await subject.exec(
        `INSERT INTO "Message" ("conversationId", "direction", "body", "provider", "authorSlackUserId", "status", "createdAt", "updatedAt") VALUES
          (2, 'in', 'old', 'sms', NULL, 'received', ${before}, ${before}),
          (1, 'in', 'hi', 'sms', NULL, 'received', ${at}, ${at}),
          (1, 'out', 'hello', 'sms', 'U1', 'delivered', ${moment("2026-12-07T10:05:00.000Z")}, ${at}),
          (3, 'in', 'elsewhere', 'sms', NULL, 'received', ${at}, ${at})`,
      );
      await subject.exec(
        `INSERT INTO "Nudge" ("conversationId", "unansweredSince", "assigneeId", "postedAt") VALUES (2, ${before}, NULL, ${at})`,
      );
      await subject.exec(
        `INSERT INTO "CsatSurvey" ("conversationId", "messageId", "slackChannelId", "sentAt", "score", "answeredAt") VALUES (1, 3, 'C1', ${at}, 4, ${at}), (3, 4, 'C2', ${at}, 1, ${at})`,
      );
    });

    afterEach(async () => {
      await subject.close();
    });

    it("reads one channel's history in the period, with messages from the look-back on", async () => {
      const history = await subject.reports.history({
        channelId: "C1",
        from: new Date("2026-12-07T00:00:00Z"),
        to: new Date("2026-12-08T00:00:00Z"),
        waitsFrom: new Date("2026-11-30T00:00:00Z"),
      });
      expect(history.opened).toBe(1);
      expect(history.closedBy).toEqual(["U1"]);
      expect(
        history.messages.map((m) => [m.conversationId, m.direction, m.authorId, m.at.toISOString()]),
      ).toEqual([
        [2, "in", null, "2026-12-05T10:00:00.000Z"],
        [1, "in", null, "2026-12-07T10:00:00.000Z"],
        [1, "out", "U1", "2026-12-07T10:05:00.000Z"],
      ]);
      expect(history.nudges).toBe(1);
      expect(history.scores).toEqual([4]);
    });

    it("leaves out what happened before the period", async () => {
      const history = await subject.reports.history({
        channelId: "C1",
        from: new Date("2026-12-08T00:00:00Z"),
        to: new Date("2026-12-09T00:00:00Z"),
        waitsFrom: new Date("2026-12-08T00:00:00Z"),
      });
      expect(history).toEqual({ opened: 0, closedBy: [], messages: [], nudges: 0, scores: [] });
    });
  });
}
