import type { Snippet, SnippetStore } from "../core/ports/snippets.js";
import { dateFrom } from "./rows.js";
import type { SqlDatabase } from "./sql/database.js";
import { type PreparedStatement, statement } from "./sql/statement.js";
import { all } from "./sql/transaction.js";

interface Key {
  slackChannelId: string;
  name: string;
}

interface SnippetRow extends Key {
  body: string;
  createdBy: string;
  createdAt: Date | string;
}

const columns = ["slackChannelId", "name", "body", "createdBy", "createdAt"] as const;

const findOne = statement<Key, SnippetRow>("snippet_find", ({ db }, p) =>
  db
    .selectFrom("Snippet")
    .select(columns)
    .where("slackChannelId", "=", p.slackChannelId)
    .where("name", "=", p.name),
);

const listAll = statement<{ slackChannelId: string }, SnippetRow>("snippet_list", ({ db }, p) =>
  db.selectFrom("Snippet").select(columns).where("slackChannelId", "=", p.slackChannelId).orderBy("name"),
);

const upsert = statement<SnippetRow, never>("snippet_upsert", ({ db }, p) =>
  db
    .insertInto("Snippet")
    .values({
      slackChannelId: p.slackChannelId,
      name: p.name,
      body: p.body,
      createdBy: p.createdBy,
      createdAt: p.createdAt,
    })
    .onConflict((conflict) =>
      conflict
        .columns(["slackChannelId", "name"])
        .doUpdateSet({ body: p.body, createdBy: p.createdBy, createdAt: p.createdAt }),
    ),
);

const deleteOne = statement<Key, Key>("snippet_delete", ({ db }, p) =>
  db
    .deleteFrom("Snippet")
    .where("slackChannelId", "=", p.slackChannelId)
    .where("name", "=", p.name)
    .returning(["slackChannelId", "name"]),
);

const toSnippet = (row: SnippetRow): Snippet => ({
  slackChannelId: row.slackChannelId,
  name: row.name,
  body: row.body,
  createdBy: row.createdBy,
  createdAt: dateFrom(row.createdAt),
});

/** Saved replies in the database, written once for SQLite and PostgreSQL. */
export class SqlSnippetStore implements SnippetStore {
  private readonly findStatement: PreparedStatement<Key, SnippetRow>;
  private readonly listStatement: PreparedStatement<{ slackChannelId: string }, SnippetRow>;
  private readonly upsertStatement: PreparedStatement<SnippetRow, never>;
  private readonly deleteStatement: PreparedStatement<Key, Key>;

  constructor(private readonly database: SqlDatabase) {
    this.findStatement = database.prepare(findOne);
    this.listStatement = database.prepare(listAll);
    this.upsertStatement = database.prepare(upsert);
    this.deleteStatement = database.prepare(deleteOne);
  }

  save(snippet: Snippet): Promise<"created" | "replaced"> {
    const { findStatement, upsertStatement } = this;
    // Read and write in one transaction, so the answer is true even when two people save the same name at once.
    return this.database.transaction(function* () {
      const existing = yield* all(findStatement, snippet);
      yield* all(upsertStatement, snippet);
      return existing.length > 0 ? "replaced" : "created";
    });
  }

  async remove(slackChannelId: string, name: string): Promise<boolean> {
    return (await this.deleteStatement.commitNow({ slackChannelId, name })).length > 0;
  }

  async find(slackChannelId: string, name: string): Promise<Snippet | null> {
    const [row] = await this.findStatement.read({ slackChannelId, name });
    return row ? toSnippet(row) : null;
  }

  async list(slackChannelId: string): Promise<readonly Snippet[]> {
    return (await this.listStatement.read({ slackChannelId })).map(toSnippet);
  }
}
