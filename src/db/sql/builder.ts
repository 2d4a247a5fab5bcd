import {
  type DialectAdapter,
  DummyDriver,
  type Expression,
  Kysely,
  type QueryCompiler,
  type RawBuilder,
  type SelectQueryBuilder,
  sql,
} from "kysely";
import type { DB } from "../generated-kysely/types.js";

/** How a statement is written for one database: Kysely for the most, and the few expressions that differ. */
export interface SqlBuilder {
  /** Builds the statement; only compiles, never runs anything. */
  readonly db: Kysely<DB>;
  /** The larger of two values. */
  greatest<T>(left: Expression<T>, right: Expression<T>): RawBuilder<T>;
  /** A value used as a 64-bit integer in arithmetic. */
  integer(value: Expression<number>): RawBuilder<number>;
  /** `query` locking the rows it reads until the transaction ends, so racing instances decide one by one. */
  locked<Tables, From extends keyof Tables, Row>(
    query: SelectQueryBuilder<Tables, From, Row>,
  ): SelectQueryBuilder<Tables, From, Row>;
  /**
   * `query` locking the rows it reads and passing over those another transaction holds (`FOR UPDATE SKIP
   * LOCKED`), so a racing claimer of the same row gives up at once instead of waiting for the first to commit.
   */
  lockedOrSkipped<Tables, From extends keyof Tables, Row>(
    query: SelectQueryBuilder<Tables, From, Row>,
  ): SelectQueryBuilder<Tables, From, Row>;
  /** `value` is one of `list`, a parameter bound as an array of integers or of texts. */
  oneOf(
    value: Expression<unknown>,
    list: Expression<readonly unknown[]>,
    type: ListType,
  ): RawBuilder<boolean>;
  /** The integer under `key` in the JSON text `json` (a job's payload), null when absent. */
  jsonInteger(json: Expression<string>, key: string): RawBuilder<number | null>;
  /** `text` starts with `prefix`; `prefixEnd` is the least text after all that do (SQLite reads it as a range). */
  startsWith(
    text: Expression<string>,
    prefix: Expression<string>,
    prefixEnd: Expression<string>,
  ): RawBuilder<boolean>;
  /** `value` unchanged, but no reason for SQLite's planner to pick an index on it over a better one. */
  unindexed<T>(value: Expression<T>): RawBuilder<T>;
}

/** The type of a list's elements, as PostgreSQL's array casts name it. */
export type ListType = "integer" | "text";

/** What a database spells its own way; its dialect module names it (src/db/sqlite/sql.ts, src/db/postgres/sql.ts). */
export interface SqlSpelling {
  /** The function returning the larger of two values: SQLite's two-argument `max`, PostgreSQL's `greatest`. */
  readonly greatest: "max" | "greatest";
  /**
   * What a parameter used in arithmetic is cast to: PostgreSQL cannot infer its type from `$1 + $2`; SQLite
   * takes a value as it is (null: no cast).
   */
  readonly integerCast: "bigint" | null;
  /**
   * Whether a read that decides a write locks its rows (`FOR UPDATE`, PostgreSQL). SQLite has none, and needs
   * none: its write transactions run one at a time.
   */
  readonly lockRows: boolean;
  /** How a list parameter is read: SQLite binds it as JSON text (`json_each`), PostgreSQL as an array. */
  readonly oneOf: SqlBuilder["oneOf"];
  /** SQLite's `json_extract`, PostgreSQL's `jsonb ->>`. */
  readonly jsonInteger: SqlBuilder["jsonInteger"];
  /** A range on SQLite (its index reads it), `starts_with` on PostgreSQL (where a range depends on collation). */
  readonly startsWith: SqlBuilder["startsWith"];
  /** SQLite's unary `+`, which PostgreSQL has no need of (and refuses on text). */
  readonly unindexed: SqlBuilder["unindexed"];
}

/** The builder of one database, from Kysely's adapter and compiler for it; its driver runs nothing. */
export function sqlBuilder(
  adapter: DialectAdapter,
  compiler: QueryCompiler,
  spelling: SqlSpelling,
): SqlBuilder {
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => adapter,
      createDriver: () => new DummyDriver(),
      createQueryCompiler: () => compiler,
      // Only `db.introspection` asks for it, and nothing reads the schema through Kysely: Prisma owns it.
      createIntrospector: () => {
        throw new Error("the SQL builder compiles statements only");
      },
    },
  });
  const cast = spelling.integerCast === null ? null : sql.raw(spelling.integerCast);
  return {
    db,
    greatest: <T>(left: Expression<T>, right: Expression<T>) =>
      sql<T>`${sql.raw(spelling.greatest)}(${left}, ${right})`,
    integer: (value) => (cast === null ? sql<number>`${value}` : sql<number>`cast(${value} as ${cast})`),
    locked: (query) => (spelling.lockRows ? query.forUpdate() : query),
    lockedOrSkipped: (query) => (spelling.lockRows ? query.forUpdate().skipLocked() : query),
    oneOf: spelling.oneOf,
    jsonInteger: spelling.jsonInteger,
    startsWith: spelling.startsWith,
    unindexed: spelling.unindexed,
  };
}
