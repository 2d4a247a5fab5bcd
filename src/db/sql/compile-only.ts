import {
  type DatabaseIntrospector,
  type DialectAdapter,
  DummyDriver,
  Kysely,
  type QueryCompiler,
} from "kysely";
import type { DB } from "../generated-kysely/types.js";

/** A Kysely that only compiles statements (its driver runs nothing): the dialect modules run them themselves. */
export function compileOnly(dialect: {
  adapter: DialectAdapter;
  compiler: QueryCompiler;
  introspector: (db: Kysely<unknown>) => DatabaseIntrospector;
}): Kysely<DB> {
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => dialect.adapter,
      createDriver: () => new DummyDriver(),
      createIntrospector: dialect.introspector,
      createQueryCompiler: () => dialect.compiler,
    },
  });
}
