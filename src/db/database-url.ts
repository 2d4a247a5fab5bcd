/** Which database a DATABASE_URL names: PostgreSQL for `postgresql://` or `postgres://`, SQLite for `file:`. */
export function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//.test(databaseUrl);
}
