import type Database from "better-sqlite3";
import type { HeldMessages } from "../../core/ports/store.js";

/**
 * A customer message is held when its post (`slack.postInbound`) waits in a lane whose head is parked: on a
 * channel problem, or after failing for good. Cold reads (`/threadline status`, /metrics), prepared once.
 */
const heldPosts = (filter: string) => `"DeliveryJob" j
  JOIN "DeliveryJob" p ON p."lane" = j."lane" AND p."state" = 'parked' AND p."id" <= j."id"
  ${filter}
  WHERE j."kind" = 'slack.postInbound' AND j."state" IN ('pending', 'parked')`;

export class SqliteHeldMessages {
  private prepared: ReturnType<typeof heldStatements> | null = null;

  constructor(private readonly db: () => Database.Database) {}

  private get statements(): ReturnType<typeof heldStatements> {
    this.prepared ??= heldStatements(this.db());
    return this.prepared;
  }

  async ofInbox(inboxId: number): Promise<readonly HeldMessages[]> {
    return (this.statements.byReason.all(inboxId) as { reason: string | null; count: number }[]).map(
      (row) => ({ reason: row.reason ?? "unknown", count: Number(row.count) }),
    );
  }

  async count(): Promise<number> {
    return Number((this.statements.count.get() as { count: number }).count);
  }
}

function heldStatements(db: Database.Database) {
  return {
    byReason: db.prepare(`SELECT p."lastError" AS "reason", COUNT(*) AS "count"
      FROM ${heldPosts(`JOIN "Message" m ON m."id" = json_extract(j."payload", '$.messageId')
        JOIN "Conversation" c ON c."id" = m."conversationId"`)} AND c."inboxId" = ?
      GROUP BY p."lastError" ORDER BY COUNT(*) DESC`),
    count: db.prepare(`SELECT COUNT(*) AS "count" FROM ${heldPosts("")}`),
  };
}
