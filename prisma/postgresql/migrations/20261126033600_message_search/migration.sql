-- Full-text search over message bodies for /threadline find. Written by hand: Prisma's schema language has no
-- tsvector type nor expression index. A GIN index over the body's words, which PostgreSQL keeps current in the
-- same transaction as every write of the hot path. The 'simple' configuration lowercases words without stemming
-- or stop words, like SQLite's FTS5 tokenizer, and queries must use the same expression to use the index.
CREATE INDEX "Message_body_search_idx" ON "Message" USING GIN (to_tsvector('simple', "body"));
