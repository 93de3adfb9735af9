// One instance at a time for scheduled work. MariaDB: its named lock (GET_LOCK) across servers
// that share the database; it is tied to a connection, so a crashed holder frees it at once.
// SQLite with REDIS_URL (several processes on one database file): a Redis lock. SQLite alone
// (one file, one server): the caller's in-process guard is enough.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Db } from './connect';

/** A Redis lock lapses this long after its holder stopped renewing it (crashed). */
export const REDIS_LOCK_TTL_MS = 30_000;

// Renew and release only a lock this holder still owns (the token), never a later holder's.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

interface RedisLocks {
  redis: Redis;
  prefix: string;
}

/** The newest in use is used (a process runs one server; tests run several, closed in any order). */
const inUse: RedisLocks[] = [];

/** Set when the server runs with REDIS_URL (services.ts); returns what takes it back. */
export function useRedisForLocks(target: RedisLocks): () => void {
  inUse.push(target);
  return () => {
    const at = inUse.indexOf(target);
    if (at >= 0) inUse.splice(at, 1);
  };
}

/**
 * Runs `work` holding the named lock. Returns null without running it when another instance
 * holds the lock (no waiting: the next scheduled run tries again).
 */
export async function withDatabaseLock<T>(
  store: Db,
  name: string,
  work: () => Promise<T>,
): Promise<T | null> {
  if (store.dialect !== 'mysql') {
    const redisLocks = inUse.at(-1);
    return redisLocks ? withRedisLock(redisLocks, name, work) : work();
  }
  return store.db.connection().execute(async (conn) => {
    const lock = databaseLockName(name);
    const { rows } = await sql<{ got: number | null }>`select get_lock(${lock}, 0) as got`.execute(conn);
    if (Number(rows[0]?.got) !== 1) return null;
    try {
      return await work();
    } finally {
      await sql`select release_lock(${lock})`.execute(conn);
    }
  });
}

/**
 * MariaDB's lock names are server-wide: qualified by the database, two OMA databases on one
 * server (or test databases side by side) never block each other's work. At most 64 characters.
 */
export const databaseLockName = (name: string) => sql<string>`left(concat(database(), '/', ${name}), 64)`;

async function withRedisLock<T>(
  { redis, prefix }: RedisLocks,
  name: string,
  work: () => Promise<T>,
): Promise<T | null> {
  const key = `${prefix}lock:${name}`;
  const token = randomBytes(16).toString('hex');
  if ((await redis.set(key, token, 'PX', REDIS_LOCK_TTL_MS, 'NX')) !== 'OK') return null;
  // Renewed while the work runs, however long; a failed renewal is retried at the next tick.
  const renew = setInterval(
    () => void redis.eval(RENEW, 1, key, token, REDIS_LOCK_TTL_MS).catch(() => undefined),
    REDIS_LOCK_TTL_MS / 3,
  );
  renew.unref();
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
  }
}
