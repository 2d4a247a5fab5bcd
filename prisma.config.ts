import { defineConfig } from "prisma/config";
import { searchTables } from "./src/db/schema-engine.js";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "file:./data/threadline.db" },
  // The full-text index is made by a hand-written migration (prisma/migrations/*_message_search).
  experimental: { externalTables: true },
  tables: { external: searchTables },
});
