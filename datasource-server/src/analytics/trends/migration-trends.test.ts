import { MAX_TREND_BUCKETS } from '@oma-insights/contracts';
import { bucketStarts, parseInterval, queryStep, TrendsInputError } from './migration-trends';

const HOUR = 3_600_000;

describe('parseInterval', () => {
  test.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['15m', 900_000],
    ['1h', HOUR],
    ['1d', 24 * HOUR],
    ['2w', 14 * 24 * HOUR],
    ['3600000', HOUR],
  ])('%s is %i ms', (text, ms) => expect(parseInterval(text)).toBe(ms));

  test.each(['', '0', '1x', '-1h', '1.5h', 'h', '01h'])('%j is not an interval', (text) =>
    expect(parseInterval(text)).toBeNull(),
  );
});

describe('bucketStarts', () => {
  test('aligned to the epoch, covering a range with partial ends', () => {
    const from = Date.parse('2026-10-01T00:40:00Z');
    const to = Date.parse('2026-10-01T03:10:00Z');
    expect(bucketStarts(from, to, HOUR).map((ms) => new Date(ms).toISOString())).toEqual([
      '2026-10-01T00:00:00.000Z',
      '2026-10-01T01:00:00.000Z',
      '2026-10-01T02:00:00.000Z',
      '2026-10-01T03:00:00.000Z',
    ]);
  });

  test('refuses an empty range and too many buckets, naming an interval that fits', () => {
    expect(() => bucketStarts(5, 5, HOUR)).toThrow(TrendsInputError);
    expect(() => bucketStarts(0, 10 * 365 * 24 * HOUR, 1000)).toThrow(
      new RegExp(`at most ${MAX_TREND_BUCKETS}: use an interval of at least 63072000 ms`),
    );
    expect(bucketStarts(0, MAX_TREND_BUCKETS * 1000, 1000)).toHaveLength(MAX_TREND_BUCKETS);
  });
});

describe('queryStep', () => {
  test("Grafana's interval, widened to fit maxDataPoints and the cap; whole hours from an hour up", () => {
    expect(queryStep(6 * HOUR, 60_000)).toBe(60_000);
    expect(queryStep(6 * HOUR)).toBe(HOUR);
    expect(queryStep(30 * 24 * HOUR, 60_000, 100)).toBe(8 * HOUR);
    expect(queryStep(30 * 24 * HOUR, 90 * 60_000)).toBe(2 * HOUR);
    expect(queryStep(10, 1)).toBe(1000);
    // No more buckets than the cap, whatever the range.
    const range = 20 * 365 * 24 * HOUR;
    const step = queryStep(range, 1000);
    expect(() => bucketStarts(123, 123 + range, step)).not.toThrow();
  });
});
