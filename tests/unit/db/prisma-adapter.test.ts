import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, Prisma, type PrismaClient } from "../../../src/db/client.js";
import { migratedSqliteUrl } from "../../support/migrated-sqlite.js";

// Prisma Client over the app's own SQLite connection (src/db/client.ts, src/db/sqlite/prisma-adapter.ts): goes
// with them once no store needs Prisma Client at run time.

const tempDirs: string[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function open(url: string): Promise<PrismaClient> {
  const { connection, prisma } = openDatabase(url);
  closers.push(async () => {
    await prisma.$disconnect();
    connection.close();
  });
  return prisma;
}

async function migratedDatabase(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-db-test-"));
  tempDirs.push(dir);
  return migratedSqliteUrl(path.join(dir, "threadline.db"));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("openDatabase", () => {
  it("writes and reads through the generated client, in WAL mode", async () => {
    const prisma = await open(await migratedDatabase());

    const created = await prisma.inbox.create({ data: { kind: "sms", address: "+15005550006" } });
    const found = await prisma.inbox.findUnique({
      where: { kind_address: { kind: "sms", address: "+15005550006" } },
    });
    const [journal] = await prisma.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");

    expect(found).toMatchObject({
      id: created.id,
      kind: "sms",
      address: "+15005550006",
      slackChannelId: null,
    });
    expect(journal?.journal_mode).toBe("wal");
  });

  it("reports a unique-constraint violation as P2002", async () => {
    const prisma = await open(await migratedDatabase());
    const data = { kind: "sms", address: "+15005550006" };
    await prisma.inbox.create({ data });

    const error = await prisma.inbox.create({ data }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe("P2002");
  });

  it("runs queries made during a transaction after it, not inside it", async () => {
    const prisma = await open(await migratedDatabase());
    let outsideRead: Promise<string[]> | undefined;
    let outsideWrite: Promise<unknown> | undefined;
    const rollback = new Error("roll back");

    const transaction = prisma.$transaction(async (tx) => {
      await tx.setting.create({ data: { key: "inside", value: "1" } });
      outsideRead = prisma.setting.findMany().then((rows) => rows.map((row) => row.key));
      outsideWrite = prisma.setting.create({ data: { key: "outside", value: "1" } });
      await sleep(50);
      throw rollback;
    });

    await expect(transaction).rejects.toBe(rollback);
    expect(await outsideRead).toEqual([]);
    await outsideWrite;
    expect((await prisma.setting.findMany()).map((row) => row.key)).toEqual(["outside"]);
  });
});
