import { type SelectQueryBuilder, sql } from "kysely";
import type { HeldMessages } from "../../core/ports/store.js";
import type { DB } from "../generated-kysely/types.js";
import type { SqlBuilder } from "../sql/builder.js";
import type { SqlDatabase } from "../sql/database.js";
import { type Prepared, prepareAll } from "../sql/prepare-all.js";
import { statement } from "../sql/statement.js";

type Jobs = DB & { j: DB["DeliveryJob"]; p: DB["DeliveryJob"] };

/**
 * A customer message is held when its post (`slack.postInbound`) waits in a lane whose head is parked: on a
 * channel problem, or after failing for good.
 */
const heldPosts = ({ db }: SqlBuilder): SelectQueryBuilder<Jobs, "j" | "p", object> =>
  db
    .selectFrom("DeliveryJob as j")
    .innerJoin("DeliveryJob as p", (join) =>
      join.onRef("p.lane", "=", "j.lane").on("p.state", "=", "parked").onRef("p.id", "<=", "j.id"),
    )
    .where("j.kind", "=", "slack.postInbound")
    .where("j.state", "in", ["pending", "parked"]);

const byReason = statement<{ inboxId: number }, { reason: string | null; count: number | string }>(
  "held_by_reason",
  (builder, p) =>
    heldPosts(builder)
      .innerJoin("Message as m", (join) =>
        join.on(sql.ref("m.id"), "=", builder.jsonInteger(sql.ref("j.payload"), "messageId")),
      )
      .innerJoin("Conversation as c", "c.id", "m.conversationId")
      .select((eb) => ["p.lastError as reason", eb.fn.countAll<number>().as("count")])
      .where("c.inboxId", "=", p.inboxId)
      .groupBy("p.lastError")
      .orderBy((eb) => eb.fn.countAll(), "desc"),
);

const count = statement<Record<string, never>, { count: number | string }>("held_count", (builder) =>
  heldPosts(builder).select((eb) => eb.fn.countAll<number>().as("count")),
);

const definitions = { byReason, count };

/** Customer messages held back from Slack: cold reads (`/threadline status`, /metrics). */
export class SqlHeldMessages {
  private readonly statements: Prepared<typeof definitions>;

  constructor(database: SqlDatabase) {
    this.statements = prepareAll(database, definitions);
  }

  async ofInbox(inboxId: number): Promise<readonly HeldMessages[]> {
    return (await this.statements.byReason.read({ inboxId })).map((row) => ({
      reason: row.reason ?? "unknown",
      count: Number(row.count),
    }));
  }

  async total(): Promise<number> {
    return Number((await this.statements.count.read({}))[0]?.count ?? 0);
  }
}
