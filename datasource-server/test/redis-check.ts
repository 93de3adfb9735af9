// Is Redis reachable (and redis-server installed, for the outage tests)? Kept free of app
// imports: the global setup loads it. REQUIRE_REDIS=1 (CI) makes "no" a failure.
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';

export const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

export async function redisReachable(): Promise<boolean> {
  const redis = new Redis(REDIS_TEST_URL, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    const why = `Redis at ${REDIS_TEST_URL} or the redis-server program is unavailable: ${(err as Error).message}`;
    if (process.env.REQUIRE_REDIS === '1') throw new Error(`REQUIRE_REDIS=1 but ${why}`);
    console.warn(`\n*** ${why}: the several-instances (Redis) tests SKIPPED ***\n`);
    return false;
  } finally {
    redis.disconnect();
  }
}
