/** The one table `settingOrCreate` needs, as both generated clients (SQLite and PostgreSQL) have it. */
export interface SettingsClient {
  readonly setting: {
    upsert(args: {
      where: { key: string };
      create: { key: string; value: string };
      update: Record<string, never>;
    }): PromiseLike<{ value: string }>;
  };
}

/**
 * The value of setting `key`, created with `create()` the first time. An upsert that updates nothing makes the
 * first writer win, so processes starting on one database agree on the value. Prisma's upsert reads, then
 * inserts: one that lost the race to insert fails on the unique key, and its second try finds the winner's row.
 */
export async function settingOrCreate(
  prisma: SettingsClient,
  key: string,
  create: () => string,
): Promise<string> {
  const upsert = () =>
    prisma.setting.upsert({ where: { key }, create: { key, value: create() }, update: {} });
  try {
    return (await upsert()).value;
  } catch (error) {
    if ((error as { code?: unknown }).code !== "P2002") throw error;
    return (await upsert()).value;
  }
}
