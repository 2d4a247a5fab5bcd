import type { PrismaClient } from "./client.js";

/**
 * The value of setting `key`, created with `create()` the first time. An upsert that updates nothing makes the
 * first writer win, so two processes starting on one database agree on the value.
 */
export async function settingOrCreate(
  prisma: PrismaClient,
  key: string,
  create: () => string,
): Promise<string> {
  const row = await prisma.setting.upsert({ where: { key }, create: { key, value: create() }, update: {} });
  return row.value;
}
