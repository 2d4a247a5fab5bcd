/**
 * A date as the SQLite file stores it: ISO 8601 with an explicit offset, the form Prisma's SQLite adapter
 * wrote before the app's statements did, so rows of either read back the same.
 */
export const sqliteDate = (date: Date): string => date.toISOString().replace("Z", "+00:00");
