// When the sync runs. Cron fires on the clock, so an interval must divide an hour (every n
// minutes) or be whole hours that divide a day (every n hours); anything else would drift,
// e.g. "every 7 minutes" fires at :56 and again at :00.

/** Sync intervals (minutes) that a cron schedule keeps exactly. */
export const SYNC_INTERVALS_MINUTES = [
  1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440,
] as const;

/** The cron expression for "every `minutes` minutes", on the clock. */
export function cronExpression(minutes: number): string {
  if (!(SYNC_INTERVALS_MINUTES as readonly number[]).includes(minutes)) {
    throw new Error(`No exact cron schedule for every ${minutes} minutes`);
  }
  if (minutes < 60) return `*/${minutes} * * * *`;
  if (minutes === 60) return '0 * * * *';
  if (minutes === 1440) return '0 0 * * *';
  return `0 */${minutes / 60} * * *`;
}
