import { mysqlLockName } from './lock';

describe('mysqlLockName', () => {
  test('names the lock per database, so databases on one MariaDB server do not block each other', () => {
    expect(mysqlLockName('omi_a', 'omi_rollup_jobs_hourly')).toBe('omi_a.omi_rollup_jobs_hourly');
    expect(mysqlLockName('omi_b', 'omi_rollup_jobs_hourly')).not.toBe(
      mysqlLockName('omi_a', 'omi_rollup_jobs_hourly'),
    );
    expect(mysqlLockName(null, 'x')).toBe('.x');
  });

  test('a name too long for MariaDB (64 characters) becomes a digest that still tells databases apart', () => {
    const database = `omi_test_${'x'.repeat(60)}`;
    const long = mysqlLockName(database, 'omi_rollup_jobs_hourly');
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long.startsWith('omi_rollup_jobs_hourly#')).toBe(true);
    expect(mysqlLockName(`${database}2`, 'omi_rollup_jobs_hourly')).not.toBe(long);
    expect(mysqlLockName(database, 'omi_rollup_jobs_hourly')).toBe(long);
  });
});
