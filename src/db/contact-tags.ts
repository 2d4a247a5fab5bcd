import { sql } from "kysely";
import type { ContactTags } from "../core/ports/campaigns.js";
import type { SqlDatabase } from "./sql/database.js";
import { type PreparedStatement, statement } from "./sql/statement.js";
import { all } from "./sql/transaction.js";

interface TagValues {
  contactId: number;
  tag: string;
}

const addTag = statement<TagValues & { userId: string; now: Date }, never>("tag_add", ({ db }, p) =>
  db
    .insertInto("ContactTag")
    .values({ contactId: p.contactId, tag: p.tag, createdBy: p.userId, createdAt: p.now })
    .onConflict((conflict) => conflict.columns(["contactId", "tag"]).doNothing()),
);

const removeTag = statement<TagValues, never>("tag_remove", ({ db }, p) =>
  db.deleteFrom("ContactTag").where("contactId", "=", p.contactId).where("tag", "=", p.tag),
);

const tagsOf = statement<{ contactId: number }, { tag: string }>("tag_list", ({ db }, p) =>
  db.selectFrom("ContactTag").select("tag").where("contactId", "=", p.contactId).orderBy(sql`tag`),
);

/** Contact tags in the database, written once for SQLite and PostgreSQL. */
export class SqlContactTags implements ContactTags {
  private readonly add: PreparedStatement<TagValues & { userId: string; now: Date }, never>;
  private readonly remove: PreparedStatement<TagValues, never>;
  private readonly list: PreparedStatement<{ contactId: number }, { tag: string }>;

  constructor(private readonly database: SqlDatabase) {
    this.add = database.prepare(addTag);
    this.remove = database.prepare(removeTag);
    this.list = database.prepare(tagsOf);
  }

  tag(contactId: number, tags: readonly string[], userId: string, now: number): Promise<readonly string[]> {
    const { add, list } = this;
    return this.database.transaction(function* () {
      for (const tag of tags) yield* all(add, { contactId, tag, userId, now: new Date(now) });
      return (yield* all(list, { contactId })).map((row) => row.tag);
    });
  }

  untag(contactId: number, tags: readonly string[]): Promise<readonly string[]> {
    const { remove, list } = this;
    return this.database.transaction(function* () {
      for (const tag of tags) yield* all(remove, { contactId, tag });
      return (yield* all(list, { contactId })).map((row) => row.tag);
    });
  }

  async tagsOf(contactId: number): Promise<readonly string[]> {
    return (await this.list.read({ contactId })).map((row) => row.tag);
  }
}
