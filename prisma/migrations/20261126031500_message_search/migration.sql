-- Full-text search over message bodies for /threadline find. Written by hand: Prisma's schema language has no
-- FTS5 tables. An external-content table (it stores only the index; the text stays in "Message") kept current
-- by triggers, so every write of the hot path indexes its message in the same transaction.
CREATE VIRTUAL TABLE "MessageSearch" USING fts5(
    "body",
    content = 'Message',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER "Message_search_insert" AFTER INSERT ON "Message" BEGIN
    INSERT INTO "MessageSearch" ("rowid", "body") VALUES (new."id", new."body");
END;

CREATE TRIGGER "Message_search_delete" AFTER DELETE ON "Message" BEGIN
    INSERT INTO "MessageSearch" ("MessageSearch", "rowid", "body") VALUES ('delete', old."id", old."body");
END;

CREATE TRIGGER "Message_search_update" AFTER UPDATE OF "body" ON "Message" BEGIN
    INSERT INTO "MessageSearch" ("MessageSearch", "rowid", "body") VALUES ('delete', old."id", old."body");
    INSERT INTO "MessageSearch" ("rowid", "body") VALUES (new."id", new."body");
END;

-- Messages recorded before this migration.
INSERT INTO "MessageSearch" ("MessageSearch") VALUES ('rebuild');
