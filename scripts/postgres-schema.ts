// Writes prisma/postgresql/schema.prisma from prisma/schema.prisma, the one source of truth for the data model.
// A Prisma schema names one provider, so PostgreSQL gets its own file; `npm run db:migration` runs this before
// writing the migrations of both databases, and a test fails when the file is out of date.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
export const sqliteSchemaPath = path.join(projectRoot, "prisma", "schema.prisma");
export const postgresSchemaPath = path.join(projectRoot, "prisma", "postgresql", "schema.prisma");

const header = `// GENERATED from ../schema.prisma by scripts/postgres-schema.ts (npm run db:migration does it): edit that
// file, not this one. The same models for PostgreSQL through the pg driver adapter.
`;

/**
 * The PostgreSQL schema for a SQLite one: the other provider, its own client output (and no Kysely types), and
 * timestamps with a time zone (the pg driver reads a plain timestamp as local time, so the hot path's statements
 * would shift dates).
 * Everything else maps as it is: Int → integer, BigInt → bigint, Boolean → boolean, Bytes → bytea, String → text.
 */
export function postgresSchemaFrom(source: string): string {
  // Kysely's types serve both databases: they are generated once, from the SQLite schema.
  const body = replaceOnce(source.replace(/^(\/\/.*\n)+\n?/, ""), kyselyGenerator(source), "");
  const replaced = replaceOnce(
    replaceOnce(
      body,
      'output              = "../src/db/generated"',
      'output              = "../../src/db/generated-pg"',
    ),
    'provider = "sqlite"',
    'provider = "postgresql"',
  );
  const withTimestamps = replaced.replace(
    /^(\s+\w+\s+DateTime\??)(.*)$/gm,
    (_line, field: string, rest: string) =>
      rest.includes("@db.") ? `${field}${rest}` : `${field}${rest.trimEnd()} @db.Timestamptz(3)`,
  );
  return `${header}\n${withTimestamps}`;
}

/** The `generator kysely` block of `source`, with its comment and the blank line after it. */
function kyselyGenerator(source: string): string {
  const block = /^(\/\/.*\n)*generator kysely \{\n[\s\S]*?^\}\n\n/m.exec(source);
  if (!block) throw new Error("expected a `generator kysely` block in prisma/schema.prisma");
  return block[0];
}

function replaceOnce(text: string, from: string, to: string): string {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`expected "${from}" exactly once in prisma/schema.prisma`);
  return parts.join(to);
}

export function writePostgresSchema(): boolean {
  const next = postgresSchemaFrom(fs.readFileSync(sqliteSchemaPath, "utf8"));
  const current = fs.existsSync(postgresSchemaPath) ? fs.readFileSync(postgresSchemaPath, "utf8") : null;
  if (current === next) return false;
  fs.mkdirSync(path.dirname(postgresSchemaPath), { recursive: true });
  fs.writeFileSync(postgresSchemaPath, next);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(
    writePostgresSchema() ? `Wrote ${postgresSchemaPath}` : "prisma/postgresql/schema.prisma is up to date",
  );
}
