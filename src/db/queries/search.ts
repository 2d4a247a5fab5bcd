import type { Inbox } from "../../core/model.js";
import type { ConversationMatch } from "../../core/ports/store.js";
import { toContact, toConversation, toInbox, toMessage } from "../rows.js";
import type { SqlDatabase } from "../sql/database.js";
import { type Prepared, prepareAll } from "../sql/prepare-all.js";
import type { SearchRow, SearchValues } from "../sql/search.js";
import { type PreparedStatement, statement } from "../sql/statement.js";

type Row = Record<string, unknown>;

const rowById = (table: "Inbox" | "Contact" | "Message") =>
  statement<{ id: number }, Row>(`search_${table}`, ({ db }, p) =>
    db.selectFrom(table).selectAll().where("id", "=", p.id),
  );
const byId = { inbox: rowById("Inbox"), contact: rowById("Contact"), message: rowById("Message") };

/**
 * `/threadline find`: the database's full-text statement (src/db/sqlite/sql.ts, src/db/postgres/sql.ts) finds
 * the conversations; what each shows is read here, the same on both.
 */
export class SqlSearch {
  private readonly find: PreparedStatement<SearchValues, SearchRow>;
  private readonly rows: Prepared<typeof byId>;

  constructor(private readonly database: SqlDatabase) {
    this.find = database.prepare(database.fullText.statement);
    this.rows = prepareAll(database, byId);
  }

  /** The conversations of `inboxIds` whose messages have the words of `text`, or whose contact is named so. */
  async conversations(
    inboxIds: readonly number[],
    text: string,
    limit: number,
  ): Promise<readonly ConversationMatch[]> {
    const terms = this.database.fullText.terms(text, inboxIds);
    if (!terms || inboxIds.length === 0) return [];
    const rows = await this.find.read({ ...terms, inboxIds, limit });
    // A search shows a few conversations, mostly of one or two inboxes.
    const inboxes = new Map<number, Promise<Inbox | undefined>>();
    const inboxOf = (id: number) => {
      let found = inboxes.get(id);
      if (!found) {
        found = this.one(this.rows.inbox, id).then((row) => (row ? toInbox(row) : undefined));
        inboxes.set(id, found);
      }
      return found;
    };
    const matches = await Promise.all(
      rows.map(async (row): Promise<ConversationMatch | null> => {
        const conversation = toConversation(row);
        const shown = row.shownMessageId === null ? null : Number(row.shownMessageId);
        const [inbox, contact, message] = await Promise.all([
          inboxOf(conversation.inboxId),
          this.one(this.rows.contact, conversation.contactId),
          shown === null ? undefined : this.one(this.rows.message, shown),
        ]);
        if (!inbox || !contact) return null;
        return {
          context: { conversation, inbox, contact: toContact(contact) },
          message: message ? toMessage(message) : null,
        };
      }),
    );
    return matches.filter((match) => match !== null);
  }

  private async one(statement: PreparedStatement<{ id: number }, Row>, id: number): Promise<Row | undefined> {
    return (await statement.read({ id }))[0];
  }
}
