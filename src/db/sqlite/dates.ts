/** The last date written, and how: a transaction binds its one `now` to several columns. */
let lastTime = Number.NaN;
let lastText = "";

/**
 * A date as the SQLite file stores it: ISO 8601 with an explicit offset, the form Prisma's SQLite adapter
 * wrote before the app's statements did, so rows of either read back the same.
 */
export function sqliteDate(date: Date): string {
  const time = date.getTime();
  if (time !== lastTime) {
    lastText = date.toISOString().replace("Z", "+00:00");
    lastTime = time;
  }
  return lastText;
}
