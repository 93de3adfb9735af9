import cron from 'node-cron';
import { cronExpression, SYNC_INTERVALS_MINUTES } from './schedule';

describe('sync schedule', () => {
  test.each(SYNC_INTERVALS_MINUTES)('every %i minutes fires at exactly that spacing all day', (minutes) => {
    const expression = cronExpression(minutes);
    expect(cron.validate(expression)).toBe(true);
    const task = cron.createTask(expression, () => undefined, { timezone: 'UTC' });
    try {
      // Every minute of a day that the schedule matches, then the gaps between them.
      const day = Date.UTC(2026, 10, 2);
      const fired: number[] = [];
      for (let m = 0; m < 1440 * 2; m++) {
        if (task.match(new Date(day + m * 60_000))) fired.push(m);
      }
      const gaps = new Set(fired.slice(1).map((m, i) => m - fired[i]));
      expect([...gaps]).toEqual([minutes]);
    } finally {
      void task.destroy();
    }
  });

  test.each([0, 7, 45, 90, 1441])('has no exact schedule for every %i minutes', (minutes) => {
    expect(() => cronExpression(minutes)).toThrow(`every ${minutes} minutes`);
  });
});
