import type { SqlDatabase } from "./database.js";
import type { PreparedStatement, StatementDefinition } from "./statement.js";

/** Each of `definitions` prepared on `database`, under the same names. */
export type Prepared<Definitions> = {
  readonly [Name in keyof Definitions]: Definitions[Name] extends StatementDefinition<infer Values, infer Row>
    ? PreparedStatement<Values, Row>
    : never;
};

/** Prepares a module's statements at once (compiled now, prepared by the database on first use). */
export function prepareAll<Definitions extends Record<string, StatementDefinition<never, unknown>>>(
  database: SqlDatabase,
  definitions: Definitions,
): Prepared<Definitions> {
  const prepared: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(definitions)) prepared[name] = database.prepare(definition);
  return prepared as Prepared<Definitions>;
}
