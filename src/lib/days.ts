/**
 * Calendar days as `YYYY-MM-DD` strings in UTC: the unit of the dashboard's
 * per-day series. Pure and isomorphic, so the same rules hold on the server
 * and in tests.
 */

const DAY_MS = 86_400_000;

/** The UTC day an instant falls on. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The `count` days ending with `today` (inclusive), oldest first. */
export function lastDays(today: string, count: number): string[] {
  const end = Date.parse(`${today}T00:00:00.000Z`);
  if (Number.isNaN(end)) throw new Error(`Not a day: ${today}`);
  return Array.from({ length: count }, (_, i) => utcDay(new Date(end - (count - 1 - i) * DAY_MS)));
}

/**
 * A value for each of the `count` days ending with `today`, oldest first;
 * days without a row get 0 and rows outside the window are ignored.
 */
export function fillDays(rows: ReadonlyArray<{ day: string; count: number }>, today: string, count: number): Array<{ day: string; count: number }> {
  const byDay = new Map<string, number>();
  for (const row of rows) byDay.set(row.day, (byDay.get(row.day) ?? 0) + row.count);
  return lastDays(today, count).map((day) => ({ day, count: byDay.get(day) ?? 0 }));
}
