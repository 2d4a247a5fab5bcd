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
 * first writer win, so two processes starting on one database agree on the value.
 */
export async function settingOrCreate(
  prisma: SettingsClient,
  key: string,
  create: () => string,
): Promise<string> {
  const row = await prisma.setting.upsert({ where: { key }, create: { key, value: create() }, update: {} });
  return row.value;
}
