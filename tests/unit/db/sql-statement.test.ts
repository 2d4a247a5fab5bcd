import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { postgresBuilder } from "../../../src/db/postgres/sql.js";
import { compileStatement, StatementNameTakenError, statement } from "../../../src/db/sql/statement.js";
import { sqliteBuilder } from "../../../src/db/sqlite/sql.js";

// A value used twice, one written as a literal, one Kysely passes as a parameter of its own.
const later = statement<{ key: string; at: number }, { nextAt: number | string }>(
  "test_later",
  ({ db, greatest, integer }, p) =>
    db
      .selectFrom("ChannelPace")
      .select((eb) =>
        greatest(eb.ref("nextAt"), sql<number>`${integer(p.at)} + ${integer(p.at)}`).as("nextAt"),
      )
      .where("channelId", "=", p.key)
      .where("slotAt", ">", 5)
      .where("granted", "=", sql.lit(true)),
);

describe("a statement written once", () => {
  it("compiles to each database's SQL, with its placeholders and what differs there", () => {
    expect(compileStatement(later, sqliteBuilder).text).toBe(
      'select max("nextAt", ? + ?) as "nextAt" from "ChannelPace" where "channelId" = ? and "slotAt" > ? and "granted" = true',
    );
    expect(compileStatement(later, postgresBuilder).text).toBe(
      'select greatest("nextAt", cast($1 as bigint) + cast($2 as bigint)) as "nextAt" from "ChannelPace" where "channelId" = $3 and "slotAt" > $4 and "granted" = true',
    );
  });

  it("binds a call's values by name into every placeholder, keeping the statement's own values", () => {
    for (const builder of [sqliteBuilder, postgresBuilder]) {
      expect(compileStatement(later, builder).bind({ key: "C1", at: 7 })).toEqual([7, 7, "C1", 5]);
    }
  });

  it("passes every parameter, the statement's own values too, through the driver's conversion", () => {
    const bound = compileStatement(later, sqliteBuilder).bind({ key: "C1", at: 7 }, (value) => `<${value}>`);
    expect(bound).toEqual(["<7>", "<7>", "<C1>", "<5>"]);
  });

  it("binds each statement's own names, whatever other statements were called with", () => {
    const other = statement<{ channel: string }, { id: number }>("test_other", ({ db }, p) =>
      db.selectFrom("Conversation").select("id").where("slackChannelId", "=", p.channel),
    );
    const [first, second] = [compileStatement(later, sqliteBuilder), compileStatement(other, sqliteBuilder)];
    expect(second.bind({ channel: "C9" })).toEqual(["C9"]);
    expect(first.bind({ at: 1, key: "C2" })).toEqual([1, 1, "C2", 5]);
    expect(second.bind({ channel: "C3" })).toEqual(["C3"]);
  });

  it("refuses a second statement under a name already taken, which PostgreSQL would refuse on a connection", () => {
    const again = () => statement("test_later", ({ db }) => db.selectFrom("Setting").selectAll());
    expect(again).toThrow(StatementNameTakenError);
    expect(again).toThrow(/"test_later"/);
  });
});
