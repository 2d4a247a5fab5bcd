import type { SqlDatabase } from "../sql/database.js";
import { type PreparedStatement, statement } from "../sql/statement.js";

/*
 * The first writer wins: an upsert that rewrites the row as it was, and returns it. Two instances starting at
 * once both run it; the second waits for the first's row (its unique key) and returns that row's value.
 */
const orCreate = statement<{ key: string; value: string }, { value: string }>(
  "setting_or_create",
  ({ db }, p) =>
    db
      .insertInto("Setting")
      .values({ key: p.key, value: p.value })
      .onConflict((conflict) =>
        conflict.column("key").doUpdateSet((eb) => ({ value: eb.ref("Setting.value") })),
      )
      .returning("value"),
);

/** Small key/value settings the app generates once and keeps (e.g. the transcript link secret). */
export class SqlSettings {
  private readonly orCreate: PreparedStatement<{ key: string; value: string }, { value: string }>;

  constructor(database: SqlDatabase) {
    this.orCreate = database.prepare(orCreate);
  }

  /** The value of setting `key`, created with `create()` the first time; instances agree on the first one. */
  async valueOrCreate(key: string, create: () => string): Promise<string> {
    const [row] = await this.orCreate.commitNow({ key, value: create() });
    return (row as { value: string }).value;
  }
}
