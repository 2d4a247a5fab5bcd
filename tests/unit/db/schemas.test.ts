import fs from "node:fs";
import { describe, expect, it } from "vitest";
import {
  postgresSchemaFrom,
  postgresSchemaPath,
  sqliteSchemaPath,
} from "../../../scripts/postgres-schema.js";

const sqlite = fs.readFileSync(sqliteSchemaPath, "utf8");
const postgres = fs.readFileSync(postgresSchemaPath, "utf8");

/**
 * Models as `name → lines` (fields and block attributes, whitespace and doc comments dropped), without the
 * native type attributes (`@db.…`) that only one provider has.
 */
function modelsOf(schema: string): Record<string, string[]> {
  const models: Record<string, string[]> = {};
  for (const [, name, body] of schema.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
    models[name as string] = (body as string)
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("//"))
      .map((line) => line.replace(/\s+@db\.\w+(\([^)]*\))?/g, "").replace(/\s+/g, " "));
  }
  return models;
}

describe("the PostgreSQL schema", () => {
  it("is the one scripts/postgres-schema.ts generates from prisma/schema.prisma (run `npm run db:migration`)", () => {
    expect(postgres).toBe(postgresSchemaFrom(sqlite));
  });

  it("describes the same models, fields, types, defaults and indexes as the SQLite one", () => {
    const models = modelsOf(sqlite);
    expect(Object.keys(models)).toEqual(
      expect.arrayContaining(["Inbox", "Contact", "Conversation", "Message", "DeliveryJob", "MediaFile"]),
    );
    expect(modelsOf(postgres)).toEqual(models);
  });

  it("differs only in provider, client output and timestamp type", () => {
    expect(postgres).toMatch(/provider = "postgresql"/);
    expect(postgres).toMatch(/output\s+= "..\/..\/src\/db\/generated-pg"/);
    const nativeTypes = [...postgres.matchAll(/^\s+(\w+)\s+(\w+\??).*(@db\.\S+)/gm)].map(([, , type, db]) => [
      type,
      db,
    ]);
    expect(new Set(nativeTypes.map(([type, db]) => `${type} ${db}`))).toEqual(
      new Set(["DateTime @db.Timestamptz(3)", "DateTime? @db.Timestamptz(3)"]),
    );
  });

  it("generates clients with the same data model as Prisma parses it", () => {
    const dataModelOf = (client: string) =>
      fs
        .readFileSync(new URL(`../../../src/db/${client}/internal/class.ts`, import.meta.url), "utf8")
        .split("\n")
        .find((line) => line.startsWith("config.runtimeDataModel = "));
    expect(dataModelOf("generated")).toMatch(/DeliveryJob/);
    expect(dataModelOf("generated-pg")).toBe(dataModelOf("generated"));
  });
});
