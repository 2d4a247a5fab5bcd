import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient as PgPrismaClient } from "../generated-pg/client.js";

// The client generated from prisma/postgresql/schema.prisma: the same models and types as the SQLite one.
// Goes once no store takes a Prisma Client (docs/decisions/0027-lean-process.md).
export { PgPrismaClient };

/** Prisma Client over the app's pool, so Prisma and the hot path's statements share its connections. */
export function prismaOverPool(pool: pg.Pool): PgPrismaClient {
  return new PgPrismaClient({ adapter: new PrismaPg(pool) });
}
