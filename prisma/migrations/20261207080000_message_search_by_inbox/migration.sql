-- /threadline find searches one channel's inboxes. The index of 20261126031500_message_search held only the words,
-- so a search collected its hits across every inbox before keeping the channel's: its cost grew with the whole
-- database. Each message is now indexed with a token naming its inbox ("inbox" || id, in the "inbox" column), so
-- the full-text query itself keeps the channel's inboxes, skipping through the others' hits; prefix indexes for
-- two to six letters make a word's prefix query ("refund"*) one such skipping look-up instead of a merge of every
-- matching term over the whole database. Contentless (the text stays in "Message"); contentless_delete lets the
-- triggers remove a message's entry by its rowid. A conversation never changes inbox, so neither does the token.
DROP TRIGGER "Message_search_insert";
DROP TRIGGER "Message_search_delete";
DROP TRIGGER "Message_search_update";
DROP TABLE "MessageSearch";

CREATE VIRTUAL TABLE "MessageSearch" USING fts5(
    "body",
    "inbox",
    content = '',
    contentless_delete = 1,
    prefix = '2 3 4 5 6',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- An erased or purged message's words leave the index at once, not at the next merge of its segments.
INSERT INTO "MessageSearch" ("MessageSearch", "rank") VALUES ('secure-delete', 1);

CREATE TRIGGER "Message_search_insert" AFTER INSERT ON "Message" BEGIN
    INSERT INTO "MessageSearch" ("rowid", "body", "inbox")
    SELECT new."id", new."body", 'inbox' || c."inboxId" FROM "Conversation" c WHERE c."id" = new."conversationId";
END;

CREATE TRIGGER "Message_search_delete" AFTER DELETE ON "Message" BEGIN
    DELETE FROM "MessageSearch" WHERE "rowid" = old."id";
END;

CREATE TRIGGER "Message_search_update" AFTER UPDATE OF "body" ON "Message" BEGIN
    DELETE FROM "MessageSearch" WHERE "rowid" = old."id";
    INSERT INTO "MessageSearch" ("rowid", "body", "inbox")
    SELECT new."id", new."body", 'inbox' || c."inboxId" FROM "Conversation" c WHERE c."id" = new."conversationId";
END;

INSERT INTO "MessageSearch" ("rowid", "body", "inbox")
SELECT m."id", m."body", 'inbox' || c."inboxId" FROM "Message" m JOIN "Conversation" c ON c."id" = m."conversationId";
