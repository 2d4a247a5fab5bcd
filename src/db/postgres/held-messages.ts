import type pg from "pg";
import type { HeldMessages } from "../../core/ports/store.js";
import { prepared } from "./pool.js";

/**
 * A customer message is held when its post (`slack.postInbound`) waits in a lane whose head is parked: on a
 * channel problem, or after failing for good. Cold reads (`/threadline status`, /metrics).
 */
const heldPosts = (filter: string) => `"DeliveryJob" j
  JOIN "DeliveryJob" p ON p."lane" = j."lane" AND p."state" = 'parked' AND p."id" <= j."id"
  ${filter}
  WHERE j."kind" = 'slack.postInbound' AND j."state" IN ('pending', 'parked')`;

const statements = {
  byReason: prepared(
    "threadline_held_by_reason",
    `SELECT p."lastError" AS "reason", COUNT(*) AS "count"
      FROM ${heldPosts(`JOIN "Message" m ON m."id" = (j."payload"::jsonb ->> 'messageId')::int
        JOIN "Conversation" c ON c."id" = m."conversationId"`)} AND c."inboxId" = $1
      GROUP BY p."lastError" ORDER BY COUNT(*) DESC`,
  ),
  count: prepared("threadline_held_count", `SELECT COUNT(*) AS "count" FROM ${heldPosts("")}`),
};

export class PgHeldMessages {
  constructor(private readonly pool: pg.Pool) {}

  async ofInbox(inboxId: number): Promise<readonly HeldMessages[]> {
    const { rows } = await this.pool.query(statements.byReason([inboxId]));
    return rows.map((row) => ({ reason: row.reason ?? "unknown", count: Number(row.count) }));
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query(statements.count());
    return Number(rows[0]?.count ?? 0);
  }
}
